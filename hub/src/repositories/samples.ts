import type { Insertable, Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { SamplesTable } from '../db/tables/samples.js';

/** Insert samples; rows already stored (a resent message) are left as they are. */
export async function insertSamples(db: Kysely<Database>, rows: Insertable<SamplesTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('samples')
    .values(rows)
    .onConflict((oc) => oc.columns(['host_id', 'boot_id', 'seq', 'idx']).doNothing())
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
  return db
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
