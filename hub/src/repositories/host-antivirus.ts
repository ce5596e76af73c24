import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { HostAntivirusTable } from '../db/tables/inventory-history.js';

export type HostAntivirusRow = Selectable<HostAntivirusTable>;

const flag = (v: boolean | null) => (v === null ? null : v ? 1 : 0);

/** Store the antivirus a host reported in its latest snapshot. */
export async function recordHostAntivirus(
  db: Kysely<Database>,
  hostId: string,
  av: { product: string; enabled: boolean | null; signaturesAt: number | null; upToDate: boolean | null },
  now: number,
): Promise<void> {
  const row = {
    product: av.product,
    enabled: flag(av.enabled),
    signatures_at: av.signaturesAt,
    up_to_date: flag(av.upToDate),
    updated_at: now,
  };
  await db
    .insertInto('host_antivirus')
    .values({ host_id: hostId, ...row })
    .onConflict((oc) => oc.column('host_id').doUpdateSet(row))
    .execute();
}

/** Every host's antivirus (the sweep judges them all). */
export async function listHostAntivirus(db: Kysely<Database>): Promise<HostAntivirusRow[]> {
  return db.selectFrom('host_antivirus').selectAll().execute();
}
