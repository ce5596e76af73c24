import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { MaintenanceWindowsTable } from '../db/tables/maintenance-windows.js';

export type MaintenanceWindowRow = Selectable<MaintenanceWindowsTable>;

export async function insertMaintenanceWindow(
  db: Kysely<Database>,
  row: MaintenanceWindowRow,
): Promise<void> {
  await db.insertInto('maintenance_windows').values(row).execute();
}

/** Windows in force (not disabled). Few rows: matched against hosts in memory. */
export async function listEnabledWindows(db: Kysely<Database>): Promise<MaintenanceWindowRow[]> {
  return db.selectFrom('maintenance_windows').selectAll().where('disabled_at', 'is', null).execute();
}

export async function disableMaintenanceWindow(
  db: Kysely<Database>,
  id: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('maintenance_windows')
    .set({ disabled_at: now })
    .where('id', '=', id)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
