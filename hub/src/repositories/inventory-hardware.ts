import type { Kysely, Selectable } from 'kysely';
import { type ClientScope, scopeCondition } from '../db/client-scope.js';
import type { Database } from '../db/database.js';
import type { InventoryHardwareTable } from '../db/tables/inventory-history.js';

export type InventoryHardwareRow = Selectable<InventoryHardwareTable>;

/** Replace a host's searchable hardware facts with those of its current snapshot. */
export async function replaceHostHardware(
  db: Kysely<Database>,
  hostId: string,
  facts: Omit<InventoryHardwareRow, 'host_id' | 'updated_at'>,
  now: number,
): Promise<void> {
  const row = { ...facts, updated_at: now };
  await db
    .insertInto('inventory_hardware')
    .values({ host_id: hostId, ...row })
    .onConflict((oc) => oc.column('host_id').doUpdateSet(row))
    .execute();
}

/** Hosts whose hardware serial is one of `serials` (exact match), with their serial. */
export async function findHostsBySerials(
  db: Kysely<Database>,
  serials: readonly string[],
): Promise<{ host_id: string; hostname: string; serial: string }[]> {
  if (serials.length === 0) return [];
  const rows = [];
  // Bounded IN lists: portable and far under SQLite's variable limit.
  for (let i = 0; i < serials.length; i += 500) {
    rows.push(
      ...(await db
        .selectFrom('inventory_hardware as hw')
        .innerJoin('hosts as h', 'h.id', 'hw.host_id')
        .select(['hw.host_id', 'h.hostname', 'hw.serial'])
        .where('hw.serial', 'in', serials.slice(i, i + 500))
        .execute()),
    );
  }
  return rows.flatMap((r) => (r.serial === null ? [] : [{ ...r, serial: r.serial }]));
}

/** Hosts (of one client, or all) with less memory than `bytes`, least first. */
export async function hostsWithMemoryBelow(
  db: Kysely<Database>,
  filter: { bytes: number; client?: string | undefined; limit: number; scope?: ClientScope },
) {
  let query = db
    .selectFrom('inventory_hardware as hw')
    .innerJoin('hosts as h', 'h.id', 'hw.host_id')
    .select([
      'hw.host_id',
      'h.hostname',
      'h.client',
      'h.site',
      'hw.memory_bytes',
      'hw.manufacturer',
      'hw.model',
    ])
    .where('hw.memory_bytes', 'is not', null)
    .where('hw.memory_bytes', '<', filter.bytes);
  if (filter.client !== undefined) query = query.where('h.client', '=', filter.client);
  const scoped = scopeCondition(filter.scope, 'h.client');
  if (scoped) query = query.where(scoped);
  return query.orderBy('hw.memory_bytes').orderBy('h.hostname').limit(filter.limit).execute();
}
