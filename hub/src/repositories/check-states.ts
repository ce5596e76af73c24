import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { CheckStatesTable } from '../db/tables/check-states.js';

export type CheckStateRow = Selectable<CheckStatesTable>;

/** Store a check state change; a resent one is ignored. Returns true when it was new. */
export async function insertCheckState(
  db: Kysely<Database>,
  row: Insertable<CheckStatesTable>,
): Promise<boolean> {
  const result = await db
    .insertInto('check_states')
    .values(row)
    .onConflict((oc) => oc.columns(['host_id', 'boot_id', 'seq']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** A host's latest state change per check and resource. */
export async function listCheckStates(
  db: Kysely<Database>,
  hostId: string,
  limit = 200,
): Promise<CheckStateRow[]> {
  return db
    .selectFrom('check_states')
    .selectAll()
    .where('host_id', '=', hostId)
    .orderBy('at', 'desc')
    .limit(limit)
    .execute();
}
