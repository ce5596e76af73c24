import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { HostWarrantiesTable } from '../db/tables/inventory-history.js';

export type WarrantyRow = Selectable<HostWarrantiesTable>;

/** Set (or replace) a host's warranty end and purchase date. */
export async function setWarranty(
  db: Kysely<Database>,
  hostId: string,
  warranty: { warrantyUntil: number; purchasedAt: number | null },
  now: number,
): Promise<void> {
  const row = { warranty_until: warranty.warrantyUntil, purchased_at: warranty.purchasedAt, updated_at: now };
  await db
    .insertInto('host_warranties')
    .values({ host_id: hostId, ...row })
    .onConflict((oc) => oc.column('host_id').doUpdateSet(row))
    .execute();
}

export async function findWarranty(db: Kysely<Database>, hostId: string): Promise<WarrantyRow | undefined> {
  return db.selectFrom('host_warranties').selectAll().where('host_id', '=', hostId).executeTakeFirst();
}

/** Every warranty with its host, for the expiry sweep and calendar. */
export async function listWarranties(db: Kysely<Database>) {
  return db
    .selectFrom('host_warranties as w')
    .innerJoin('hosts as h', 'h.id', 'w.host_id')
    .select(['w.host_id', 'w.warranty_until', 'w.purchased_at', 'h.hostname', 'h.client'])
    .execute();
}
