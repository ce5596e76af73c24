import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../db/database.js';
import type { LicenceAuditTable, LicencesTable } from '../db/tables/inventory-history.js';

export type LicenceRow = Selectable<LicencesTable>;

export async function insertLicence(db: Kysely<Database>, row: Insertable<LicencesTable>): Promise<void> {
  await db.insertInto('licences').values(row).execute();
}

export async function findLicence(db: Kysely<Database>, id: string): Promise<LicenceRow | undefined> {
  return db.selectFrom('licences').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Licences, by product; of one client (and the fleet-wide ones) when `client` is given. */
export async function listLicences(db: Kysely<Database>, client?: string): Promise<LicenceRow[]> {
  let query = db.selectFrom('licences').selectAll();
  if (client !== undefined)
    query = query.where((eb) => eb.or([eb('client', '=', client), eb('client', 'is', null)]));
  return query.orderBy('product').orderBy('id').execute();
}

/** True when the licence existed and was updated. */
export async function updateLicence(
  db: Kysely<Database>,
  id: string,
  changes: Updateable<LicencesTable>,
): Promise<boolean> {
  const result = await db.updateTable('licences').set(changes).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** True when the licence existed. */
export async function deleteLicence(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('licences').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export type LicenceAuditRow = Selectable<LicenceAuditTable>;

/** Record what someone did to a licence (a key reveal above all). */
export async function insertLicenceAudit(db: Kysely<Database>, row: LicenceAuditRow): Promise<void> {
  await db.insertInto('licence_audit').values(row).execute();
}

/** A licence's audit trail, newest first. */
export async function listLicenceAudit(db: Kysely<Database>, licenceId: string): Promise<LicenceAuditRow[]> {
  return db
    .selectFrom('licence_audit')
    .selectAll()
    .where('licence_id', '=', licenceId)
    .orderBy('at', 'desc')
    .orderBy('id')
    .execute();
}
