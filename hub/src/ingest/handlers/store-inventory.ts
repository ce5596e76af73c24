import { type InventoryMessage, LIMITS } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { recordSnapshot } from '../../inventory/record-snapshot.js';
import {
  completeChunks,
  dropChunks,
  findInventory,
  replaceInventory,
  storeInventoryChunk,
} from '../../repositories/inventories.js';
import type { Refusal, SenderIdentity } from '../commit-in-transaction.js';

type ChunkBody = Omit<InventoryMessage, 'type' | 'bootId' | 'seq'>;
const LIST_SECTIONS = ['memoryModules', 'disks', 'networkInterfaces', 'software'] as const;

/** Join a snapshot's chunks: facts from whichever chunk carries them, lists concatenated in order. */
export function assembleSnapshot(chunks: ChunkBody[]): Record<string, unknown> {
  const snapshot: Record<string, unknown> = {};
  for (const chunk of chunks) {
    for (const key of ['hardware', 'os', 'cpu', 'updates', 'antivirus'] as const) {
      if (chunk[key] !== undefined) snapshot[key] = chunk[key];
    }
    for (const key of LIST_SECTIONS) {
      const items = chunk[key];
      if (items !== undefined)
        snapshot[key] = [...((snapshot[key] as unknown[] | undefined) ?? []), ...items];
    }
  }
  return snapshot;
}

/**
 * Keep a chunk; when the last chunk of a snapshot arrives, it becomes the host's inventory, its
 * changes since the previous one are recorded and its software becomes searchable. A snapshot over
 * `maxSoftwarePerSnapshot` entries in all is dropped whole and refused (the agent would have left
 * the excess out; a peer that did not is told, and its chunks are acknowledged all the same).
 */
export async function storeInventory(
  trx: Kysely<Database>,
  sender: SenderIdentity,
  message: InventoryMessage,
  receivedAt: number,
): Promise<readonly Refusal[]> {
  const { type: _type, bootId: _bootId, seq: _seq, ...body } = message;
  await storeInventoryChunk(trx, {
    hostId: sender.hostId,
    hash: message.hash,
    chunk: message.chunk,
    chunks: message.chunks,
    receivedAt,
    payload: JSON.stringify(body),
  });
  const payloads = await completeChunks(trx, sender.hostId, message.hash, message.chunks);
  if (!payloads) return [];
  const snapshot = assembleSnapshot(payloads.map((payload) => JSON.parse(payload) as ChunkBody));
  const entries = (snapshot.software as unknown[] | undefined)?.length ?? 0;
  if (entries > LIMITS.maxSoftwarePerSnapshot) {
    await dropChunks(trx, sender.hostId);
    const detail = `snapshot ${message.hash} has ${entries} software entries, over ${LIMITS.maxSoftwarePerSnapshot}`;
    return [{ code: 'INVENTORY_TOO_MANY_ENTRIES', detail }];
  }
  const previous = await findInventory(trx, sender.hostId);
  // A resent snapshot (same hash) is not a change.
  if (previous?.hash !== message.hash) {
    const before = previous ? (JSON.parse(previous.payload) as Record<string, unknown>) : undefined;
    await recordSnapshot(trx, sender.hostId, before, snapshot, receivedAt);
  }
  await replaceInventory(trx, {
    host_id: sender.hostId,
    hash: message.hash,
    collected_at: message.at,
    received_at: receivedAt,
    payload: JSON.stringify(snapshot),
  });
  return [];
}
