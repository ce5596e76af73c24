import { type Insertable, type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { SamplesTable } from '../db/tables/samples.js';
import { publishedTiers } from './retention-state.js';

/** Insert samples; rows already stored (a resent message) are left as they are. */
export async function insertSamples(db: Kysely<Database>, rows: Insertable<SamplesTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('samples')
    .values(rows)
    // No conflict target: the key is (host_id, boot_id, seq, idx) on SQLite and also holds the
    // partition column received_at on PostgreSQL (migration 2026-12-05-pg-partitions).
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export interface SeriesPoint {
  at: number;
  cpuPct: number | null;
  memPct: number | null;
  swapPct: number | null;
  diskMaxPct: number | null;
  load1: number | null;
}

/** A host's headline series between two instants, oldest first, at most `limit` points. */
export async function listSeries(
  db: Kysely<Database>,
  hostId: string,
  range: { from: number; to: number; limit: number },
): Promise<SeriesPoint[]> {
  return (await readSeries(db, hostId, range)).points;
}

/**
 * The series from the finest resolution that still reaches back to `from`: raw samples while they
 * are kept, else the first roll-up tier that does (1 min, 10 min, 1 h by default; a bucket's
 * figures are the means of its samples, `at` its start). When none reaches that far, the one that
 * reaches furthest. `stepMs` is 0 for raw samples, else the tier's bucket.
 */
export async function readSeries(
  db: Kysely<Database>,
  hostId: string,
  range: { from: number; to: number; limit: number },
): Promise<{ stepMs: number; points: SeriesPoint[] }> {
  const stepMs = await tierFor(db, hostId, range.from);
  if (stepMs === 0) {
    const points = await db
      .selectFrom('samples')
      .select([
        'at',
        'cpu_pct as cpuPct',
        'mem_pct as memPct',
        'swap_pct as swapPct',
        'disk_max_pct as diskMaxPct',
        'load1',
      ])
      .where('host_id', '=', hostId)
      .where('at', '>=', range.from)
      .where('at', '<=', range.to)
      .orderBy('at')
      .limit(range.limit)
      .execute();
    return { stepMs, points };
  }
  const points = await db
    .selectFrom('sample_rollups')
    .select([
      'at',
      'cpu_avg as cpuPct',
      'mem_avg as memPct',
      'swap_avg as swapPct',
      'disk_max_avg as diskMaxPct',
      'load1_avg as load1',
    ])
    .where('host_id', '=', hostId)
    .where('step_ms', '=', stepMs)
    .where('at', '>=', Math.floor(range.from / stepMs) * stepMs)
    .where('at', '<=', range.to)
    .orderBy('at')
    .limit(range.limit)
    .execute();
  return { stepMs, points: points.map((p) => ({ ...p, at: Number(p.at) })) };
}

/**
 * At most `maxPoints` buckets of the resolution `readSeries` would pick (raw, else the roll-up tier
 * that reaches `from`): means per bucket, and the maximum for the fullest filesystem (a spike to
 * 100 % must not average away). `at` is each bucket's first instant. For charts drawn at a fixed
 * width, e.g. the console's.
 */
export async function readBucketedSeries(
  db: Kysely<Database>,
  hostId: string,
  range: { from: number; to: number },
  maxPoints: number,
): Promise<{ stepMs: number; points: SeriesPoint[] }> {
  const stepMs = await tierFor(db, hostId, range.from);
  const unit = stepMs === 0 ? 1000 : stepMs;
  const bucketMs = Math.max(unit, Math.ceil((range.to - range.from) / maxPoints / unit) * unit);
  // Inlined (an integer computed here), so SELECT and GROUP BY hold the same expression on PostgreSQL.
  const bucket = sql<number>`(${sql.ref('at')} / ${sql.lit(bucketMs)})`;
  const rows =
    stepMs === 0
      ? await db
          .selectFrom('samples')
          .select((eb) => [
            bucket.as('bucket'),
            eb.fn.min('at').as('at'),
            eb.fn.avg('cpu_pct').as('cpuPct'),
            eb.fn.avg('mem_pct').as('memPct'),
            eb.fn.avg('swap_pct').as('swapPct'),
            eb.fn.max('disk_max_pct').as('diskMaxPct'),
            eb.fn.avg('load1').as('load1'),
          ])
          .where('host_id', '=', hostId)
          .where('at', '>=', range.from)
          .where('at', '<=', range.to)
          .groupBy(bucket)
          .orderBy(bucket)
          .execute()
      : await db
          .selectFrom('sample_rollups')
          .select((eb) => [
            bucket.as('bucket'),
            eb.fn.min('at').as('at'),
            eb.fn.avg('cpu_avg').as('cpuPct'),
            eb.fn.avg('mem_avg').as('memPct'),
            eb.fn.avg('swap_avg').as('swapPct'),
            eb.fn.max('disk_max_max').as('diskMaxPct'),
            eb.fn.avg('load1_avg').as('load1'),
          ])
          .where('host_id', '=', hostId)
          .where('step_ms', '=', stepMs)
          .where('at', '>=', Math.floor(range.from / stepMs) * stepMs)
          .where('at', '<=', range.to)
          .groupBy(bucket)
          .orderBy(bucket)
          .execute();
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    stepMs,
    points: rows.map((r) => ({
      at: Number(r.at),
      cpuPct: num(r.cpuPct),
      memPct: num(r.memPct),
      swapPct: num(r.swapPct),
      diskMaxPct: num(r.diskMaxPct),
      load1: num(r.load1),
    })),
  };
}

/** Which resolution serves a chart starting at `from` (see readSeries); one index seek per tier. */
async function tierFor(db: Kysely<Database>, hostId: string, from: number): Promise<number> {
  const rawOldest = await db
    .selectFrom('samples')
    .select((eb) => eb.fn.min('at').as('at'))
    .where('host_id', '=', hostId)
    .executeTakeFirst();
  const candidates: { stepMs: number; oldest: number | null }[] = [
    { stepMs: 0, oldest: rawOldest?.at == null ? null : Number(rawOldest.at) },
  ];
  for (const { stepMs } of await publishedTiers(db)) {
    const row = await db
      .selectFrom('sample_rollups')
      .select((eb) => eb.fn.min('at').as('at'))
      .where('host_id', '=', hostId)
      .where('step_ms', '=', stepMs)
      .executeTakeFirst();
    candidates.push({ stepMs, oldest: row?.at == null ? null : Number(row.at) });
  }
  const present = candidates.filter((c): c is { stepMs: number; oldest: number } => c.oldest !== null);
  const covering = present.find((c) => c.oldest <= from);
  if (covering) return covering.stepMs;
  // None reaches `from`: the one reaching furthest back, a coarser tier only if it reaches back
  // past a whole bucket further (its first bucket starts before the finer tier's first sample).
  let best = present[0];
  for (const c of present.slice(1)) if (best && c.oldest + c.stepMs <= best.oldest) best = c;
  return best?.stepMs ?? 0;
}

/** The newest full sample of a host, as the agent sent it. */
export async function latestSamplePayload(db: Kysely<Database>, hostId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('samples')
    .select('payload')
    .where('host_id', '=', hostId)
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.payload;
}
