import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { createTestDeps, enrolTestAgent } from '../test-support/test-hub.js';
import { recordLastHeard } from './host-silence.js';

const T0 = 1_764_000_000_000;
let deps: HubDeps;

beforeEach(async () => {
  deps = await createTestDeps(() => T0);
});

afterEach(async () => {
  await deps.db.destroy();
});

const lastSeen = async (hostId: string) =>
  Number(
    (
      await deps.db
        .selectFrom('hosts')
        .select('last_seen_at')
        .where('id', '=', hostId)
        .executeTakeFirstOrThrow()
    ).last_seen_at,
  );

describe('recordLastHeard', () => {
  it('moves each listed host forward to its own time, never back, and leaves the others alone', async () => {
    const hosts: string[] = [];
    for (let i = 0; i < 3; i += 1)
      hosts.push((await enrolTestAgent(deps, `srv-heard-${i}`, `${'0b'.repeat(15)}${i}${i}`)).hostId);
    const [a, b, untouched] = hosts as [string, string, string];
    await recordLastHeard(deps.db, [
      { hostId: a, at: T0 + 5_000 },
      { hostId: b, at: T0 + 7_000 },
    ]);
    const before = await lastSeen(untouched);
    // An older value (a flush that lost a race) must not move a host back.
    await recordLastHeard(deps.db, [
      { hostId: a, at: T0 + 9_000 },
      { hostId: b, at: T0 + 6_000 },
    ]);
    expect(await lastSeen(a)).toBe(T0 + 9_000);
    expect(await lastSeen(b)).toBe(T0 + 7_000);
    expect(await lastSeen(untouched)).toBe(before);
  });

  it('writes more hosts than one statement holds', async () => {
    const hostId = (await enrolTestAgent(deps)).hostId;
    const many = Array.from({ length: 900 }, (_, i) => ({ hostId: `host_absent_${i}`, at: T0 }));
    await recordLastHeard(deps.db, [...many, { hostId, at: T0 + 1_000 }]);
    expect(await lastSeen(hostId)).toBe(T0 + 1_000);
  });
});
