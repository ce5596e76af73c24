import { describe, expect, it } from 'vitest';
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
});
