import type { MetricsMessage, Sample } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { sqliteHandleOf } from '../db/connect.js';
import { testEngine } from '../test-support/test-database.js';
import { createTestDeps, enrolTestAgent } from '../test-support/test-hub.js';
import type { SenderIdentity } from './commit-in-transaction.js';
import { createKyselyMetricsStore, type MetricsStore } from './metrics-store.js';
import { createSqliteMetricsStore } from './sqlite-metrics-store.js';

const T0 = 1_764_000_000_000;
const BOOT = 'boot_store_0001';

const sample = (at: number, cpu: number): Sample => ({
  at,
  cpu: { usagePct: cpu, perCorePct: [cpu], load: [0.5, 0.4, 0.3] },
  memory: {
    totalBytes: 8e9,
    usedBytes: 2e9,
    availableBytes: 6e9,
    usedPct: 25,
    swapTotalBytes: 0,
    swapUsedBytes: 0,
    swapUsedPct: 0,
  },
  filesystems: [
    {
      mount: '/',
      device: '/dev/sda1',
      fsType: 'ext4',
      sizeBytes: 100,
      usedBytes: 40,
      freeBytes: 60,
      usedPct: 40,
    },
    {
      mount: '/var',
      device: '/dev/sda2',
      fsType: 'ext4',
      sizeBytes: 100,
      usedBytes: 80,
      freeBytes: 20,
      usedPct: 80,
    },
  ],
});

const metrics = (seq: number, samples: Sample[], bootId = BOOT): MetricsMessage => ({
  type: 'metrics',
  bootId,
  seq,
  samples,
});

// Both implementations must mean the same: the generic one runs on PostgreSQL, the SQLite one is
// what the embedded hub uses (on a PostgreSQL test run, only the first applies).
type Implementation = [string, (deps: HubDeps) => MetricsStore];
const IMPLEMENTATIONS: Implementation[] = [
  ['Kysely (any dialect)', (deps) => createKyselyMetricsStore(deps.db)],
];
if (testEngine() === 'sqlite')
  IMPLEMENTATIONS.push([
    'SQLite group commit',
    (deps) => createSqliteMetricsStore(deps.db, sqliteHandleOf(deps.db)!),
  ]);

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
