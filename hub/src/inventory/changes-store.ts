import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { InventoryChangesTable } from '../db/tables/inventory-history.js';
import type { InventoryChange } from './diff.js';

export type InventoryChangeRow = Selectable<InventoryChangesTable>;

const BATCH = 500;

/** Record a host's changes between two snapshots, all stamped `at`. */
export async function insertInventoryChanges(
  db: Kysely<Database>,
  hostId: string,
  at: number,
  changes: readonly InventoryChange[],
): Promise<void> {
  for (let i = 0; i < changes.length; i += BATCH) {
    await db
      .insertInto('inventory_changes')
      .values(
        changes.slice(i, i + BATCH).map((c) => ({
          host_id: hostId,
          at,
          kind: c.kind,
          field: c.field,
          old_value: c.old,
          new_value: c.new,
          security: c.security ? 1 : 0,
        })),
      )
      .execute();
  }
}

/** A host's changes, newest first. */
export async function listInventoryChanges(
  db: Kysely<Database>,
  hostId: string,
  filter: { from?: number | undefined; securityOnly?: boolean; limit: number },
): Promise<InventoryChangeRow[]> {
  let query = db.selectFrom('inventory_changes').selectAll().where('host_id', '=', hostId);
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.securityOnly) query = query.where('security', '=', 1);
  return query.orderBy('at', 'desc').orderBy('id').limit(filter.limit).execute();
}
