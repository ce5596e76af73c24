/** The current inventory of each host: the last complete snapshot, verbatim JSON. */
export interface InventoriesTable {
  host_id: string;
  hash: string;
  collected_at: number;
  received_at: number;
  payload: string;
}

/** Chunks of a snapshot still arriving; assembled into `inventories` once all are there. */
export interface InventoryChunksTable {
  host_id: string;
  hash: string;
  chunk: number;
  chunks: number;
  received_at: number;
  payload: string;
}
