// The agent's inventory: what a machine is (hardware, OS, later its software), sent only
// when its hash changes.
export { type InventoryChunk, toInventoryChunks } from './chunks.js';
export type { Facts } from './facts.js';
export { hashInventory } from './hash.js';
export {
  collectInventory,
  type InventoryDeps,
  type InventorySi,
  type InventorySnapshot,
} from './snapshot.js';
