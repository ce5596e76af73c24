import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/** The id of a host named `hostname` (any client: the caller scopes what it shows). */
export async function findHostIdByHostname(
  db: Kysely<Database>,
  hostname: string,
): Promise<string | undefined> {
  const row = await db.selectFrom('hosts').select('id').where('hostname', '=', hostname).executeTakeFirst();
  return row?.id;
}
