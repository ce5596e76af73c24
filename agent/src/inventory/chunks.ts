import { type InventoryMessage, LIMITS } from '@vigie/shared';
import type { InventorySnapshot } from './snapshot.js';

/** An inventory message before the transport stamps it with its boot id and sequence number. */
export type InventoryChunk = Omit<InventoryMessage, 'bootId' | 'seq'>;

// The schema caps `chunks` at 1000; software beyond that many chunks cannot be sent.
const MAX_CHUNKS = 1000;

/** Splits a snapshot into wire chunks: facts in chunk 0, software spread over as many as needed. */
export function toInventoryChunks(snapshot: InventorySnapshot, hash: string): InventoryChunk[] {
  const per = LIMITS.maxSoftwarePerChunk;
  const chunks = Math.min(MAX_CHUNKS, Math.max(1, Math.ceil(snapshot.software.length / per)));
  const base = { type: 'inventory' as const, at: snapshot.at, hash, chunks };
  return Array.from({ length: chunks }, (_, chunk): InventoryChunk => {
    const software = snapshot.software.slice(chunk * per, (chunk + 1) * per);
    if (chunk > 0) return { ...base, chunk, software };
    return {
      ...base,
      chunk,
      hardware: snapshot.hardware,
      os: snapshot.os,
      // Only when known, so a hub of an older build sees the same chunk as before.
      ...(Object.keys(snapshot.updates).length > 0 ? { updates: snapshot.updates } : {}),
      cpu: snapshot.cpu,
      memoryModules: snapshot.memoryModules.slice(0, LIMITS.maxListItems),
      disks: snapshot.disks.slice(0, LIMITS.maxListItems),
      networkInterfaces: snapshot.networkInterfaces.slice(0, LIMITS.maxListItems),
      software,
    };
  });
}
