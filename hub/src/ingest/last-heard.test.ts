import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { createTestDeps, enrolTestAgent } from '../test-support/test-hub.js';
import { createLastHeard, startLastHeardFlush } from './last-heard.js';

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

describe('startLastHeardFlush', () => {
  it('persists what was noted since the last flush, and what is left when stopped', async () => {
    const [a, b] = [
      (await enrolTestAgent(deps, 'srv-flush-a', `${'0e'.repeat(15)}11`)).hostId,
      (await enrolTestAgent(deps, 'srv-flush-b', `${'0e'.repeat(15)}22`)).hostId,
    ];
    let now = T0 + 1_000;
    const heard = createLastHeard(() => now);
    const flush = startLastHeardFlush(deps.db, heard, {
      intervalMs: 3_600_000,
      log: pino({ level: 'silent' }),
    });
    heard.note(a);
    heard.note(b);
    await flush.flush();
    expect([await lastSeen(a), await lastSeen(b)]).toEqual([T0 + 1_000, T0 + 1_000]);
    now = T0 + 2_000;
    heard.note(b);
    await flush.stop();
    expect([await lastSeen(a), await lastSeen(b)]).toEqual([T0 + 1_000, T0 + 2_000]);
  });

  it('keeps what a failed flush took for the next one', async () => {
    const hostId = (await enrolTestAgent(deps)).hostId;
    const heard = createLastHeard(() => T0 + 5_000);
    const flush = startLastHeardFlush(deps.db, heard, {
      intervalMs: 3_600_000,
      log: pino({ level: 'silent' }),
    });
    heard.note(hostId);
    await deps.db.destroy();
    await flush.flush();
    expect(heard.take()).toEqual([{ hostId, at: T0 + 5_000 }]);
    await flush.stop();
    deps = await createTestDeps(() => T0);
  });
});
