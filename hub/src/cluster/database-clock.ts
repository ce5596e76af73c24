import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';

/**
 * The database server's clock, read through an offset from this process's clock that `sync`
 * measures (half the round trip counted). Hub instances on one PostgreSQL then write and judge
 * times (last heard, host silent, SLA due) on one clock, whatever their own machines say.
 */
export function createDatabaseClock(db: Kysely<Database>, local: () => number = Date.now) {
  let offset = 0;
  return {
    now: (): number => local() + offset,
    /** Measure the offset again; returns it (ms, database minus local). */
    async sync(): Promise<number> {
      const before = local();
      const { rows } = await sql<{ now: number }>`
        select (extract(epoch from clock_timestamp()) * 1000)::float8 as now`.execute(db);
      const after = local();
      const server = Number(rows[0]?.now);
      if (Number.isFinite(server)) offset = Math.round(server - (before + after) / 2);
      return offset;
    },
  };
}
export type DatabaseClock = ReturnType<typeof createDatabaseClock>;
