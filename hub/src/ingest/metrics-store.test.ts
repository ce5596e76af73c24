import type { Sample } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { sqliteHandleOf } from '../db/connect.js';
import { findHost } from '../repositories/hosts.js';
import { metrics, STORE_BOOT, sample } from '../test-support/metrics-messages.js';
import { testEngine } from '../test-support/test-database.js';
import { createTestDeps, enrolTestAgent } from '../test-support/test-hub.js';
import type { SenderIdentity } from './commit-in-transaction.js';
import { createKyselyMetricsStore, type MetricsStore } from './metrics-store.js';
import { createSqliteMetricsStore } from './sqlite-metrics-store.js';

const T0 = 1_764_000_000_000;
const BOOT = STORE_BOOT;

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

describe.each(IMPLEMENTATIONS)('metrics store: %s', (_name, makeStore) => {
  let deps: HubDeps;
  let sender: SenderIdentity;
  let store: MetricsStore;

  beforeEach(async () => {
    deps = await createTestDeps(() => T0 + 60_000);
    const credential = await enrolTestAgent(deps);
    sender = { agentId: credential.agentId, hostId: credential.hostId };
    store = makeStore(deps);
  });

  afterEach(async () => {
    await deps.db.destroy();
  });

  const rows = () =>
    deps.db
      .selectFrom('samples')
      .select(['seq', 'idx', 'at', 'received_at', 'cpu_pct', 'disk_max_pct', 'load1', 'payload'])
      .orderBy('seq')
      .orderBy('idx')
      .execute();

  it('stores one row per sample with its headline figures and the sample verbatim', async () => {
    const s = sample(T0, 12.5);
    expect(await store.commit(sender, metrics(1, [s]), T0 + 5)).toEqual({
      status: 'stored',
      committedSeq: 1,
      newBoot: true,
    });
    expect(await rows()).toEqual([
      {
        seq: 1,
        idx: 0,
        at: T0,
        received_at: T0 + 5,
        cpu_pct: 12.5,
        disk_max_pct: 80,
        load1: 0.5,
        payload: JSON.stringify(s),
      },
    ]);
  });

  it('takes the host health from the newest sample wherever it sits in the batch', async () => {
    const bare: Sample = { at: T0 + 20_000, cpu: { usagePct: 3, perCorePct: [3] } };
    const newest = { ...sample(T0 + 30_000, 55), filesystems: sample(T0, 0).filesystems?.slice(0, 1) };
    await store.commit(sender, metrics(1, [sample(T0, 11), newest, bare]), T0 + 40_000);
    expect((await rows()).map((r) => [r.idx, r.cpu_pct, r.disk_max_pct, r.load1])).toEqual([
      [0, 11, 80, 0.5],
      [1, 55, 40, 0.5],
      [2, 3, null, null],
    ]);
    const host = await findHost(deps.db, sender.hostId);
    expect(host).toMatchObject({
      last_sample_at: T0 + 30_000,
      cpu_pct: 55,
      mem_pct: 25,
      swap_pct: 0,
      disk_max_pct: 40,
      load1: 0.5,
    });
  });

  it('answers duplicate for a resent seq and stores nothing twice', async () => {
    await store.commit(sender, metrics(1, [sample(T0, 1)]), T0);
    await store.commit(sender, metrics(2, [sample(T0 + 10_000, 2)]), T0);
    expect(await store.commit(sender, metrics(1, [sample(T0, 1)]), T0)).toEqual({
      status: 'duplicate',
      committedSeq: 2,
    });
    expect((await rows()).map((r) => r.seq)).toEqual([1, 2]);
  });

  it('stores a resent sample once even past the committed-seq check (the samples key holds)', async () => {
    await store.commit(sender, metrics(1, [sample(T0, 1), sample(T0 + 5_000, 2)]), T0);
    // The boot's committed seq lost (as if never recorded): only the samples' own key is left.
    await deps.db.deleteFrom('agent_boots').execute();
    const again = await store.commit(sender, metrics(1, [sample(T0, 1), sample(T0 + 5_000, 2)]), T0);
    expect(again.status).toBe('stored');
    expect((await rows()).map((r) => [r.seq, r.idx])).toEqual([
      [1, 0],
      [1, 1],
    ]);
  });

  it('records a new boot and a seq gap as delivery events', async () => {
    await store.commit(sender, metrics(1, [sample(T0, 1)]), T0);
    expect(await store.commit(sender, metrics(4, [sample(T0 + 30_000, 1)]), T0 + 1)).toEqual({
      status: 'stored',
      committedSeq: 4,
      gapFrom: 2,
    });
    const events = await deps.db
      .selectFrom('delivery_events')
      .select(['kind', 'from_seq', 'to_seq', 'at'])
      .orderBy('kind')
      .execute();
    expect(events).toEqual([
      { kind: 'boot', from_seq: 1, to_seq: 1, at: T0 },
      { kind: 'seq_gap', from_seq: 2, to_seq: 3, at: T0 + 1 },
    ]);
  });

  it('keeps the newest health on the host when an older backlog arrives late', async () => {
    await store.commit(sender, metrics(1, [sample(T0 + 60_000, 70)]), T0 + 61_000);
    await store.commit(
      sender,
      metrics(1, [sample(T0, 5), sample(T0 + 10_000, 6)], 'boot_store_0002'),
      T0 + 62_000,
    );
    const host = await findHost(deps.db, sender.hostId);
    expect(host).toMatchObject({ last_sample_at: T0 + 60_000, cpu_pct: 70, last_seen_at: T0 + 62_000 });
    expect(await rows()).toHaveLength(3);
  });

  it('lets a later arrival take the health from a sample stamped ahead of the hub', async () => {
    await store.commit(sender, metrics(1, [sample(T0 + 9 * 60_000, 99)]), T0);
    await store.commit(sender, metrics(2, [sample(T0 + 60_000, 7)]), T0 + 60_000, {
      clockOffsetMs: 0,
      refusedSamples: 2,
    });
    const host = await findHost(deps.db, sender.hostId);
    expect(host).toMatchObject({
      last_sample_at: T0 + 60_000,
      cpu_pct: 7,
      last_sample_received_at: T0 + 60_000,
    });
    expect(host).toMatchObject({ clock_offset_ms: 0, clock_offset_at: T0 + 60_000 });
    expect(Number(host?.refused_samples)).toBe(2);
  });

  it('commits a message whose samples were all refused, touching the host only', async () => {
    expect(
      await store.commit(sender, metrics(1, []), T0, { clockOffsetMs: 3_600_000, refusedSamples: 1 }),
    ).toEqual({
      status: 'stored',
      committedSeq: 1,
      newBoot: true,
    });
    const host = await findHost(deps.db, sender.hostId);
    expect(host).toMatchObject({ last_seen_at: T0, last_sample_at: null, clock_offset_ms: 3_600_000 });
    expect(await rows()).toEqual([]);
  });

  it('commits messages from many agents at once, each with its own outcome', async () => {
    const others: SenderIdentity[] = [sender];
    for (let i = 0; i < 5; i += 1) {
      const credential = await enrolTestAgent(deps, `srv-${i}`, `${'ab'.repeat(15)}${i}${i}`);
      others.push({ agentId: credential.agentId, hostId: credential.hostId });
    }
    const outcomes = await Promise.all([
      ...others.map((who, i) => store.commit(who, metrics(1, [sample(T0 + i, i)]), T0)),
      // The same agent twice in one batch: the second is a resend of the first.
      store.commit(sender, metrics(1, [sample(T0, 0)]), T0),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([...others.map(() => 'stored'), 'duplicate']);
    expect(await rows()).toHaveLength(others.length);
  });

  it('fails only the message whose host is gone, the others of the batch are stored', async () => {
    const gone: SenderIdentity = { agentId: sender.agentId, hostId: 'hst_deleted' };
    const other = await enrolTestAgent(deps, 'srv-other', 'cd'.repeat(16));
    const results = await Promise.allSettled([
      store.commit(gone, metrics(1, [sample(T0, 1)], 'boot_store_0003'), T0),
      store.commit({ agentId: other.agentId, hostId: other.hostId }, metrics(1, [sample(T0, 2)]), T0),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    const boots = await deps.db.selectFrom('agent_boots').select('boot_id').execute();
    expect(boots).toEqual([{ boot_id: BOOT }]);
  });
});
