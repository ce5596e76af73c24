import { createHash } from 'node:crypto';
import type { InventorySnapshot } from './snapshot.js';

// JSON with object keys sorted at every level, so equal content always gives equal text.
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/** sha256 (hex) of the snapshot's canonical JSON, ignoring when it was taken. */
export function hashInventory(snapshot: InventorySnapshot): string {
  const { at: _at, ...content } = snapshot;
  return createHash('sha256')
    .update(JSON.stringify(canonical(content)))
    .digest('hex');
}
