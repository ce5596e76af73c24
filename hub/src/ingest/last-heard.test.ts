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

describe('createLastHeard', () => {
  it('hands each host over once per change, with its latest time', () => {
    let now = T0;
    const heard = createLastHeard(() => now);
    heard.note('h1');
    now = T0 + 10;
    heard.note('h1');
    heard.note('h2');
    expect(heard.take()).toEqual([
      { hostId: 'h1', at: T0 + 10 },
      { hostId: 'h2', at: T0 + 10 },
    ]);
    expect(heard.take()).toEqual([]);
    now = T0 + 20;
    heard.note('h2');
    expect(heard.take()).toEqual([{ hostId: 'h2', at: T0 + 20 }]);
  });

  it('still hands over the last time of a host whose session ended before the flush', () => {
    const heard = createLastHeard(() => T0);
    heard.note('h1');
    expect(heard.forget('h1')).toBe(T0);
    expect(heard.take()).toEqual([{ hostId: 'h1', at: T0 }]);
    expect(heard.take()).toEqual([]);
    expect(heard.forget('h1')).toBeUndefined();
  });

  it('gives back what a failed flush took, unless a newer time arrived meanwhile', () => {
    let now = T0;
    const heard = createLastHeard(() => now);
    heard.note('h1');
    heard.note('h2');
    const failed = heard.take();
    now = T0 + 10;
    heard.note('h2');
    heard.giveBack(failed);
    expect(heard.take()).toEqual([
      { hostId: 'h1', at: T0 },
      { hostId: 'h2', at: T0 + 10 },
    ]);
  });
});

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
