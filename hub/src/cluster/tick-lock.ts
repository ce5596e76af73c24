import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { engineOf, tryLockKeyForTransaction } from '../db/dialect.js';

/** What one tick of a periodic job did: ran it, or left it to the instance that holds it. */
export type TickOutcome<T> = { ran: true; value: T } | { ran: false };

/**
 * Run one tick of a periodic job on one hub instance at a time. On PostgreSQL a transaction holds
 * a transaction-scoped advisory lock named after the job while `work` runs (work uses its own
 * connections): an instance that finds it taken skips its tick, and an instance that dies drops
 * its connection and so the lock, so another runs the next tick. On SQLite, one process: it runs.
 */
export async function runTickAlone<T>(
  db: Kysely<Database>,
  job: string,
  work: () => Promise<T>,
): Promise<TickOutcome<T>> {
  if (engineOf(db) !== 'postgres') return { ran: true, value: await work() };
  return db.transaction().execute(async (trx): Promise<TickOutcome<T>> => {
    if (!(await tryLockKeyForTransaction(trx, `vigie:tick:${job}`))) return { ran: false };
    return { ran: true, value: await work() };
  });
}
