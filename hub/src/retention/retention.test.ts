import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { readBucketedSeries, readSeries } from '../repositories/samples.js';
import { createTestDeps, enrolTestAgent } from '../test-support/test-hub.js';
import { runRetentionPass } from './job.js';
import { prune } from './prune.js';
import { rollUp } from './rollup.js';
import { parseRetentionSpec, RETENTION_DEFAULTS, type RetentionSettings } from './settings.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
// A round instant, so bucket boundaries are easy to read.
const T0 = 1_764_547_200_000;

const SETTINGS: RetentionSettings = {
  ...RETENTION_DEFAULTS,
  rawMs: 2 * HOUR,
  tiers: [
    { stepMs: MIN, keepMs: DAY },
    { stepMs: 10 * MIN, keepMs: 10 * DAY },
    { stepMs: HOUR, keepMs: 100 * DAY },
  ],
  lagMs: 5_000,
  hostsPerStatement: 2,
  rollupSliceMs: DAY,
  deleteSliceMs: 10 * MIN,
};

let deps: HubDeps;
let now = T0;
let hostId: string;
let seq = 0;

beforeEach(async () => {
  now = T0;
  deps = await createTestDeps(() => now);
  hostId = (await enrolTestAgent(deps)).hostId;
});

afterEach(async () => {
  await deps.db.destroy();
});

/** A raw sample as ingest stores it: `at` on the agent's clock, `received` on the hub's. */
function sampleRow(at: number, cpu: number, options: { received?: number; host?: string } = {}) {
  seq += 1;
  return {
    host_id: options.host ?? hostId,
    boot_id: 'boot_retention',
    seq,
    idx: 0,
    at,
    received_at: options.received ?? at + 100,
    cpu_pct: cpu,
    mem_pct: 50,
    swap_pct: null,
    disk_max_pct: 70,
    load1: 1,
    payload: '{}',
  };
}

async function addSample(at: number, cpu: number, options: { received?: number; host?: string } = {}) {
  await deps.db
    .insertInto('samples')
    .values(sampleRow(at, cpu, options))
    .execute();
}

/** Many samples, a few hundred rows per statement (PostgreSQL answers each insert over the network). */
async function addSamples(rows: ReturnType<typeof sampleRow>[]) {
  for (let i = 0; i < rows.length; i += 500)
    await deps.db
      .insertInto('samples')
      .values(rows.slice(i, i + 500))
      .execute();
}

const rollups = (stepMs: number, host = hostId) =>
  deps.db
    .selectFrom('sample_rollups')
    .select(['at', 'samples', 'cpu_avg', 'cpu_max', 'swap_avg'])
    .where('host_id', '=', host)
    .where('step_ms', '=', stepMs)
    .orderBy('at')
    .execute();

const rawCount = async () =>
  Number(
    (
      await deps.db
        .selectFrom('samples')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('roll-up', () => {
  it('turns raw samples into 1 min, 10 min and 1 h buckets with the mean and the maximum', async () => {
    // Every 10 s for 20 minutes, CPU = the minute number (0…19) plus 0…5 within the minute.
    await addSamples(
      Array.from({ length: 120 }, (_, i) => sampleRow(T0 + i * 10_000, Math.floor(i / 6) + (i % 6))),
    );
    now = T0 + 20 * MIN + 10_000;
    // Arrivals taken 5 minutes at a time: buckets that span two rounds come out whole.
    expect((await rollUp(deps.db, { ...SETTINGS, rollupSliceMs: 5 * MIN }, now)).hosts).toBe(1);

    const minutes = await rollups(MIN);
    expect(minutes).toHaveLength(20);
    expect(minutes[3]).toEqual({ at: T0 + 3 * MIN, samples: 6, cpu_avg: 5.5, cpu_max: 8, swap_avg: null });
    const tens = await rollups(10 * MIN);
    expect(tens.map((r) => [r.at - T0, r.samples, r.cpu_max])).toEqual([
      [0, 60, 14],
      [10 * MIN, 60, 24],
    ]);
    expect(tens[0]!.cpu_avg).toBeCloseTo(7, 10);
    const hours = await rollups(HOUR);
    expect(hours).toEqual([
      { at: T0, samples: 120, cpu_avg: expect.closeTo(12, 10), cpu_max: 24, swap_avg: null },
    ]);
  });

  it('updates the current bucket at each pass and leaves the stored ones as they were when run again', async () => {
    await addSample(T0, 10);
    now = T0 + 20_000;
    await rollUp(deps.db, SETTINGS, now);
    await addSample(T0 + 20_000, 30);
    now = T0 + 40_000;
    await rollUp(deps.db, SETTINGS, now);
    expect(await rollups(MIN)).toEqual([{ at: T0, samples: 2, cpu_avg: 20, cpu_max: 30, swap_avg: null }]);
    const before = await rollups(HOUR);
    await rollUp(deps.db, SETTINGS, now + 60_000);
    expect(await rollups(HOUR)).toEqual(before);
  });

  it('waits for samples received within the lag, and rolls them up at the next pass', async () => {
    await addSample(T0, 10, { received: T0 + 58_000 });
    now = T0 + 60_000;
    await rollUp(deps.db, SETTINGS, now);
    expect(await rollups(MIN)).toEqual([]);
    now = T0 + 120_000;
    await rollUp(deps.db, SETTINGS, now);
    expect(await rollups(MIN)).toHaveLength(1);
  });

  it('rolls up a late backlog into the buckets of when it was measured', async () => {
    // The agent was cut off for an hour; its spool drains at T0 + 3 h.
    for (let i = 0; i < 6; i += 1) await addSample(T0 + HOUR + i * 10_000, 40, { received: T0 + 3 * HOUR });
    now = T0 + 3 * HOUR + MIN;
    await rollUp(deps.db, SETTINGS, now);
    expect(await rollups(MIN)).toEqual([
      { at: T0 + HOUR, samples: 6, cpu_avg: 40, cpu_max: 40, swap_avg: null },
    ]);
  });

  it('rolls up many hosts, a few per statement', async () => {
    const hosts = [hostId];
    for (let i = 0; i < 4; i += 1)
      hosts.push((await enrolTestAgent(deps, `srv-${i}`, `${'ef'.repeat(15)}0${i}`)).hostId);
    for (const [i, host] of hosts.entries()) await addSample(T0 + i * 1000, i, { host });
    now = T0 + MIN;
    expect((await rollUp(deps.db, SETTINGS, now)).hosts).toBe(5);
    for (const [i, host] of hosts.entries())
      expect((await rollups(HOUR, host)).map((r) => r.cpu_max)).toEqual([i]);
  });
});

describe('pruning', () => {
  it('deletes raw samples past their retention but keeps their roll-ups, then ages the tiers out', async () => {
    await addSamples(Array.from({ length: 30 }, (_, i) => sampleRow(T0 + i * MIN, i)));
    now = T0 + 30 * MIN;
    await runRetentionPass(deps.db, SETTINGS, now);
    expect(await rawCount()).toBe(30);

    // 3 h later: raw samples (2 h) are gone, every tier still holds them.
    now = T0 + 3 * HOUR;
    expect(await runRetentionPass(deps.db, SETTINGS, now)).toMatchObject({ prunedRaw: 30, prunedRollups: 0 });
    expect(await rawCount()).toBe(0);
    expect(await rollups(MIN)).toHaveLength(30);
    expect(await rollups(HOUR)).toEqual([
      { at: T0, samples: 30, cpu_avg: 14.5, cpu_max: 29, swap_avg: null },
    ]);

    // A late sample for a minute whose raw samples are gone must not replace that minute by itself.
    await addSample(T0 + 5 * MIN + 30_000, 99, { received: now });
    now += MIN;
    await runRetentionPass(deps.db, SETTINGS, now);
    expect((await rollups(MIN))[5]).toMatchObject({ samples: 1, cpu_max: 5 });
    expect((await rollups(HOUR))[0]).toMatchObject({ samples: 30, cpu_max: 29 });
    // One for a minute that had none is rolled up, and counted in the coarser tiers (from 10 min).
    await addSample(T0 + 45 * MIN, 99, { received: now });
    now += MIN;
    await runRetentionPass(deps.db, SETTINGS, now);
    expect((await rollups(HOUR))[0]).toMatchObject({ samples: 31, cpu_max: 99 });

    // Past 1 day the minutes go, past 10 days the 10 minutes; the hours stay.
    now = T0 + 11 * DAY;
    await prune(deps.db, SETTINGS, now);
    expect(await rollups(MIN)).toEqual([]);
    expect(await rollups(10 * MIN)).toEqual([]);
    expect(await rollups(HOUR)).toHaveLength(1);
  });

  it('deletes in slices, each a short statement', async () => {
    await addSamples(Array.from({ length: 60 }, (_, i) => sampleRow(T0 + i * MIN, 1)));
    now = T0 + DAY;
    // 60 minutes of samples in 10-minute slices.
    expect((await prune(deps.db, SETTINGS, now)).raw).toBe(60);
    expect(await rawCount()).toBe(0);
  });
});

describe('charts read the finest tier that reaches back to the start of the range', () => {
  it('raw for a recent range, 1 min past the raw retention, 10 min and 1 h further back', async () => {
    // A sample every minute for 3 days, rolled up and pruned as the hub would.
    await addSamples(Array.from({ length: 3 * 24 * 60 }, (_, i) => sampleRow(T0 + i * MIN, i % 100)));
    now = T0 + 3 * DAY;
    await runRetentionPass(deps.db, SETTINGS, now);

    const chart = (from: number, limit = 100_000) => readSeries(deps.db, hostId, { from, to: now, limit });
    const lastHour = await chart(now - HOUR);
    expect(lastHour.stepMs).toBe(0);
    expect(lastHour.points).toHaveLength(60);
    const lastDay = await chart(now - 20 * HOUR);
    expect(lastDay.stepMs).toBe(MIN);
    expect(lastDay.points).toHaveLength(20 * 60);
    const threeDays = await chart(now - 3 * DAY);
    expect(threeDays.stepMs).toBe(10 * MIN);
    expect(threeDays.points).toHaveLength(3 * 24 * 6);
    expect(threeDays.points[0]).toEqual({
      at: T0,
      cpuPct: 4.5,
      memPct: 50,
      swapPct: null,
      diskMaxPct: 70,
      load1: 1,
    });
    // Nothing reaches a year back: the tier that reaches furthest.
    expect((await chart(now - 365 * DAY)).stepMs).toBe(10 * MIN);

    // Drawn at a fixed width: at most that many buckets, from the same tier.
    const drawn = await readBucketedSeries(deps.db, hostId, { from: now - 3 * DAY, to: now }, 72);
    expect(drawn.stepMs).toBe(10 * MIN);
    expect(drawn.points).toHaveLength(72);
    expect(drawn.points[0]).toMatchObject({ at: T0, memPct: 50, diskMaxPct: 70 });
    const recent = await readBucketedSeries(deps.db, hostId, { from: now - HOUR, to: now }, 30);
    expect(recent).toMatchObject({ stepMs: 0 });
    expect(recent.points).toHaveLength(30);
  });

  it('reads raw samples when no tier reaches further back, whatever the range', async () => {
    await addSample(T0 + 30_000, 5);
    now = T0 + 2 * MIN;
    await runRetentionPass(deps.db, SETTINGS, now);
    const series = await readSeries(deps.db, hostId, { from: 0, to: now, limit: 10 });
    expect(series).toMatchObject({ stepMs: 0, points: [{ at: T0 + 30_000, cpuPct: 5 }] });
  });
});

describe('retention spec', () => {
  it('parses raw and tiers, and refuses steps that do not nest or keeps that shrink', () => {
    const parsed = parseRetentionSpec('raw=12h,1m=3d,15m=90d,1h=2y');
    expect(parsed.ok && parsed.value).toMatchObject({
      rawMs: 12 * HOUR,
      tiers: [
        { stepMs: MIN, keepMs: 3 * DAY },
        { stepMs: 15 * MIN, keepMs: 90 * DAY },
        { stepMs: HOUR, keepMs: 730 * DAY },
      ],
    });
    expect(parseRetentionSpec('1m=2d,90s=60d').ok).toBe(false);
    expect(parseRetentionSpec('1m=2d,10m=1d').ok).toBe(false);
    expect(parseRetentionSpec('raw=3d,1m=2d').ok).toBe(false);
    expect(parseRetentionSpec('1m').ok).toBe(false);
  });
});
