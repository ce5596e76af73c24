import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { InventorySignalsTable } from '../db/tables/inventory-history.js';

export type InventorySignalRow = Selectable<InventorySignalsTable>;

export async function findInventorySignal(
  db: Kysely<Database>,
  key: string,
): Promise<InventorySignalRow | undefined> {
  return db.selectFrom('inventory_signals').selectAll().where('key', '=', key).executeTakeFirst();
}

/** Remember the stage a key was last signalled at. */
export async function recordInventorySignal(
  db: Kysely<Database>,
  key: string,
  stage: string,
  at: number,
): Promise<void> {
  await db
    .insertInto('inventory_signals')
    .values({ key, stage, signalled_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ stage, signalled_at: at }))
    .execute();
}
