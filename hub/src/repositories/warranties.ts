import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { HostWarrantiesTable } from '../db/tables/inventory-history.js';

export type WarrantyRow = Selectable<HostWarrantiesTable>;

/** A host's warranty as an admin enters or imports it. */
export interface WarrantyInput {
  readonly warrantyUntil: number;
  readonly purchasedAt: number | null;
  readonly vendor?: string | null;
  /** JSON array of days (see licences/expiry.ts); null: the defaults. */
  readonly expiryStages?: string | null;
  readonly source?: 'manual' | 'csv';
}

/** Set (or replace) a host's warranty end, purchase date, vendor and stages. */
export async function setWarranty(
  db: Kysely<Database>,
  hostId: string,
  warranty: WarrantyInput,
  now: number,
): Promise<void> {
  const row = {
    warranty_until: warranty.warrantyUntil,
    purchased_at: warranty.purchasedAt,
    vendor: warranty.vendor ?? null,
    source: warranty.source ?? 'manual',
    updated_at: now,
    // An import says nothing of stages: a host's own stages stay.
    ...(warranty.expiryStages === undefined ? {} : { expiry_stages: warranty.expiryStages }),
  };
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
    .leftJoin('inventory_hardware as hw', 'hw.host_id', 'w.host_id')
    .select([
      'hw.serial',
      'w.host_id',
      'w.warranty_until',
      'w.purchased_at',
      'w.vendor',
      'w.expiry_stages',
      'w.source',
      'h.hostname',
      'h.client',
    ])
    .execute();
}
