import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/** A host's incidents, newest first (the host page's history). */
export async function listHostIncidents(db: Kysely<Database>, hostId: string, limit: number) {
  return db
    .selectFrom('incidents')
    .select([
      'id',
      'title',
      'title_code',
      'title_params',
      'state',
      'priority',
      'level',
      'opened_at',
      'resolved_at',
    ])
    .where('host_id', '=', hostId)
    .orderBy('opened_at', 'desc')
    .limit(limit)
    .execute();
}

/** The id of a host named `hostname` (any client: the caller scopes what it shows). */
export async function findHostIdByHostname(
  db: Kysely<Database>,
  hostname: string,
): Promise<string | undefined> {
  const row = await db.selectFrom('hosts').select('id').where('hostname', '=', hostname).executeTakeFirst();
  return row?.id;
}
