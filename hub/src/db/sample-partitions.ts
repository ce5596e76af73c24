import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import { engineOf } from './dialect.js';

// Daily partitions of `samples` on PostgreSQL (migration 2026-12-05-pg-partitions), named
// `samples_d<yyyymmdd>` for the UTC day of arrival they hold. On SQLite these do nothing.

const DAY_MS = 86_400_000;
const PREFIX = 'samples_d';

function dayName(dayStart: number): string {
  return `${PREFIX}${new Date(dayStart).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

function dayStartOf(name: string): number | undefined {
  const match = /^samples_d(\d{4})(\d{2})(\d{2})$/.exec(name);
  return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : undefined;
}

async function partitionNames(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    where p.relname = 'samples' and p.relnamespace = current_schema()::regnamespace`.execute(db);
  return rows.map((r) => r.name);
}

/**
 * Make sure the days from today to `daysAhead` days after `now` have their partition, so what
 * arrives never lands in the default one (past days are not made again: retention drops them). Several hubs may run it at once: a creation that lost
 * the race is fine. Returns the partitions created.
 */
export async function ensureSamplePartitions(
  db: Kysely<Database>,
  now: number,
  daysAhead = 3,
): Promise<string[]> {
  if (engineOf(db) !== 'postgres') return [];
  const existing = new Set(await partitionNames(db));
  const created: string[] = [];
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  for (let day = today; day <= today + daysAhead * DAY_MS; day += DAY_MS) {
    const name = dayName(day);
    if (existing.has(name)) continue;
    try {
      await sql`create table ${sql.id(name)} partition of samples
        for values from (${sql.lit(day)}) to (${sql.lit(day + DAY_MS)})`.execute(db);
      created.push(name);
    } catch (error) {
      // Rows of that day already in the default partition (the hub was down for days), or another
      // hub created it meanwhile: the day stays in the default partition, pruned row by row.
      if (!(await partitionNames(db)).includes(name) && !isDefaultOverlap(error)) throw error;
    }
  }
  return created;
}

// 23514: rows of the day already in the default partition; 42P07 / 23505: another hub is
// creating the same partition at this instant.
const isDefaultOverlap = (error: unknown) =>
  ['23514', '42P07', '23505'].includes((error as { code?: string } | null)?.code ?? '');

/**
 * Drop the daily partitions whose whole day arrived before `cutoff`; retention's row deletes then
 * only handle the day the cutoff falls in (and the default partition). Returns the rows dropped.
 */
export async function dropSamplePartitionsBefore(db: Kysely<Database>, cutoff: number): Promise<number> {
  if (engineOf(db) !== 'postgres') return 0;
  let rows = 0;
  for (const name of await partitionNames(db)) {
    const start = dayStartOf(name);
    if (start === undefined || start + DAY_MS > cutoff) continue;
    const { rows: counted } = await sql<{ n: number }>`select count(*) as n from ${sql.id(name)}`.execute(db);
    await sql`drop table if exists ${sql.id(name)}`.execute(db);
    rows += Number(counted[0]?.n ?? 0);
  }
  return rows;
}
