import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { InventoriesTable } from '../db/tables/inventories.js';

export type InventoryRow = Selectable<InventoriesTable>;

/**
 * Keep one chunk of a snapshot; a resent chunk replaces nothing. A chunk of another snapshot
 * (another hash, or the same hash split otherwise) supersedes the chunks the host left incomplete,
 * so a host parks at most one snapshot's chunks.
 */
export async function storeInventoryChunk(
  db: Kysely<Database>,
  chunk: { hostId: string; hash: string; chunk: number; chunks: number; receivedAt: number; payload: string },
): Promise<void> {
  await db
    .deleteFrom('inventory_chunks')
    .where('host_id', '=', chunk.hostId)
    .where((eb) => eb.or([eb('hash', '!=', chunk.hash), eb('chunks', '!=', chunk.chunks)]))
    .execute();
  await db
    .insertInto('inventory_chunks')
    .values({
      host_id: chunk.hostId,
      hash: chunk.hash,
      chunk: chunk.chunk,
      chunks: chunk.chunks,
      received_at: chunk.receivedAt,
      payload: chunk.payload,
    })
    .onConflict((oc) => oc.columns(['host_id', 'hash', 'chunk']).doNothing())
    .execute();
}

/** The payloads of a snapshot's chunks in order, once every chunk has arrived. */
export async function completeChunks(
  db: Kysely<Database>,
  hostId: string,
  hash: string,
  chunks: number,
): Promise<string[] | undefined> {
  const rows = await db
    .selectFrom('inventory_chunks')
    .select(['chunk', 'payload'])
    .where('host_id', '=', hostId)
    .where('hash', '=', hash)
    .orderBy('chunk')
    .execute();
  if (rows.length !== chunks) return undefined;
  return rows.map((row) => row.payload);
}

/** Drop the chunks of a host's snapshot that will not become its inventory. */
export async function dropChunks(db: Kysely<Database>, hostId: string): Promise<void> {
  await db.deleteFrom('inventory_chunks').where('host_id', '=', hostId).execute();
}

/** Drop the chunks of snapshots left incomplete since before `cutoff`; how many went. */
export async function expireIncompleteSnapshots(db: Kysely<Database>, cutoff: number): Promise<number> {
  const result = await db.deleteFrom('inventory_chunks').where('received_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Replace a host's current inventory and drop the chunks it was assembled from. */
export async function replaceInventory(db: Kysely<Database>, row: InventoryRow): Promise<void> {
  await db
    .insertInto('inventories')
    .values(row)
    .onConflict((oc) =>
      oc.column('host_id').doUpdateSet({
        hash: row.hash,
        collected_at: row.collected_at,
        received_at: row.received_at,
        payload: row.payload,
      }),
    )
    .execute();
  await db.deleteFrom('inventory_chunks').where('host_id', '=', row.host_id).execute();
}

export async function findInventory(db: Kysely<Database>, hostId: string): Promise<InventoryRow | undefined> {
  return db.selectFrom('inventories').selectAll().where('host_id', '=', hostId).executeTakeFirst();
}
