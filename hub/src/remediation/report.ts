import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { countSucceeded } from './store.js';

/**
 * N0 successes that avoided a ticket in [from, to), by client, check and the level the ticket
 * would have gone to (for the service report). Episodes run in a maintenance window had no
 * ticket to avoid and are not counted.
 */
export function ticketsAvoided(
  db: Kysely<Database>,
  filter: { client?: string | undefined; from: number; to: number },
): Promise<Array<{ client: string; check: string; level: string; n: number }>> {
  return countSucceeded(db, filter);
}
