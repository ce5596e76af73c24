import { type InventoryMessage, LIMITS, type Software } from '@vigie/shared';
import type { InventorySnapshot } from './snapshot.js';

/** An inventory message before the transport stamps it with its boot id and sequence number. */
export type InventoryChunk = Omit<InventoryMessage, 'bootId' | 'seq'>;

// The schema caps `chunks` (LIMITS.maxInventoryChunks); software beyond that many chunks cannot be sent.
const MAX_CHUNKS = LIMITS.maxInventoryChunks;
// Sizes are measured as encoded JSON (escapes included); the rest of the frame is room for the
// envelope (boot id, seq, hash) and the codec's framing.
const CHUNK_BUDGET_BYTES = Math.floor(LIMITS.maxFrameBytes * 0.7);

const sizeOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/**
 * Packs software into groups under both the count bound and the frame bound, the first group
 * sharing its frame with `firstBytes` of facts.
 */
function packSoftware(software: readonly Software[], firstBytes: number): Software[][] {
  const groups: Software[][] = [[]];
  let used = firstBytes;
  for (const item of software) {
    const size = sizeOf(item) + 1;
    const group = groups[groups.length - 1] ?? [];
    if (
      group.length >= LIMITS.maxSoftwarePerChunk ||
      (group.length > 0 && used + size > CHUNK_BUDGET_BYTES)
    ) {
      if (groups.length === MAX_CHUNKS) break;
      groups.push([item]);
      used = size;
      continue;
    }
    group.push(item);
    used += size;
  }
  return groups;
}

/**
 * Splits a snapshot into wire chunks: facts in chunk 0, software spread over as many chunks as
 * the per-chunk count and the frame size need.
 */
export function toInventoryChunks(snapshot: InventorySnapshot, hash: string): InventoryChunk[] {
  const facts = {
    hardware: snapshot.hardware,
    os: snapshot.os,
    // Only when known, so a hub of an older build sees the same chunk as before.
    ...(Object.keys(snapshot.updates).length > 0 ? { updates: snapshot.updates } : {}),
    ...(Object.keys(snapshot.antivirus).length > 0 ? { antivirus: snapshot.antivirus } : {}),
    cpu: snapshot.cpu,
    memoryModules: snapshot.memoryModules.slice(0, LIMITS.maxListItems),
    disks: snapshot.disks.slice(0, LIMITS.maxListItems),
    networkInterfaces: snapshot.networkInterfaces.slice(0, LIMITS.maxListItems),
  };
  const groups = packSoftware(snapshot.software, sizeOf(facts));
  const base = { type: 'inventory' as const, at: snapshot.at, hash, chunks: groups.length };
  return groups.map(
    (software, chunk): InventoryChunk =>
      chunk > 0 ? { ...base, chunk, software } : { ...base, chunk, ...facts, software },
  );
}
