// The agent's inventory: what a machine is (hardware, OS, software, pending updates), sent only
// when its hash changes.

export { collectAntivirus } from './antivirus/collect.js';
export { type InventoryChunk, toInventoryChunks } from './chunks.js';
export type { Facts } from './facts.js';
export { hashInventory } from './hash.js';
export { type ExecResult, type InventoryIo, SYSTEM_INVENTORY_IO } from './io.js';
export { INVENTORY_PROBE_ARG, type ProbeResult } from './probe.js';
export { collectInventoryOffLoop, runInventoryProbe } from './probe-main.js';
export {
  collectInventory,
  type InventoryDeps,
  type InventorySi,
  type InventorySnapshot,
} from './snapshot.js';
export { collectSoftware, MAX_SOFTWARE } from './software/collect.js';
export { collectUpdates } from './updates/collect.js';
