import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { SeriesPoint } from '../../repositories/samples.js';

/** Most points a chart draws; a month of 10-second samples is bucketed down to this. */
export const MAX_CHART_POINTS = 720;

/**
 * A host's headline series between two instants in at most MAX_CHART_POINTS buckets: averages,
 * and the maximum for the fullest filesystem (a short spike to 100 % must not average away).
 * Integer division and avg/max are the same in SQLite and PostgreSQL.
 */
export async function bucketedSeries(
  db: Kysely<Database>,
  hostId: string,
  range: { from: number; to: number },
): Promise<SeriesPoint[]> {
  const bucketMs = Math.max(1000, Math.ceil((range.to - range.from) / MAX_CHART_POINTS));
  // Inlined (an integer computed here), so SELECT and GROUP BY hold the same expression for PostgreSQL.
  const bucket = sql<number>`(${sql.ref('at')} / ${sql.lit(bucketMs)})`;
  const rows = await db
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
    .execute();
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    at: Number(r.at),
    cpuPct: num(r.cpuPct),
    memPct: num(r.memPct),
    swapPct: num(r.swapPct),
    diskMaxPct: num(r.diskMaxPct),
    load1: num(r.load1),
  }));
}
