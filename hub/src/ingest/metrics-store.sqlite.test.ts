import { describe, expect, it, vi } from 'vitest';
import { sqliteHandleOf } from '../db/connect.js';
import { metrics, sample } from '../test-support/metrics-messages.js';
import { createTestDeps, enrolTestAgent } from '../test-support/test-hub.js';
import type { SenderIdentity } from './commit-in-transaction.js';
import { createSqliteMetricsStore } from './sqlite-metrics-store.js';

const T0 = 1_764_000_000_000;

describe('SQLite group commit', () => {
  it('commits more messages than a batch holds at once, without waiting out the window', async () => {
    const deps = await createTestDeps(() => T0);
    try {
      const senders: SenderIdentity[] = [];
      for (let i = 0; i < 5; i += 1) {
        const credential = await enrolTestAgent(deps, `srv-batch-${i}`, `${'0a'.repeat(15)}${i}${i}`);
        senders.push({ agentId: credential.agentId, hostId: credential.hostId });
      }
      // A window far longer than the test's timeout: only full batches may commit.
      const store = createSqliteMetricsStore(deps.db, sqliteHandleOf(deps.db)!, {
        windowMs: 600_000,
        maxBatch: 2,
      });
      const outcomes = await Promise.all(
        senders.map((who, i) => store.commit(who, metrics(1, [sample(T0 + i, i)]), T0)),
      );
      expect(outcomes.map((o) => o.status)).toEqual(['stored', 'stored', 'stored', 'stored', 'stored']);
      const stored = await deps.db
        .selectFrom('samples')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(5);
    } finally {
      await deps.db.destroy();
    }
  });

  it('arms no timer while nothing arrives: one per batch window, gone once it committed', async () => {
    const deps = await createTestDeps(() => T0);
    try {
      const credential = await enrolTestAgent(deps);
      const who = { agentId: credential.agentId, hostId: credential.hostId };
      vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'setImmediate'] });
      const store = createSqliteMetricsStore(deps.db, sqliteHandleOf(deps.db)!, {
        windowMs: 50,
        maxBatch: 10,
      });
      vi.advanceTimersByTime(1000);
      expect(vi.getTimerCount()).toBe(0);
      const first = store.commit(who, metrics(1, [sample(T0, 1)]), T0);
      const second = store.commit(who, metrics(2, [sample(T0 + 1, 2)]), T0);
      // Both in the one window the first arrival opened.
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(50);
      expect((await Promise.all([first, second])).map((o) => o.status)).toEqual(['stored', 'stored']);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
      await deps.db.destroy();
    }
  });
});
