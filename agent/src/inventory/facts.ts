import { type InventoryMessage, LIMITS } from '@vigie/shared';

/** Bounded facts of one inventory item (manufacturer, model, serial…), as the wire carries them. */
export type Facts = NonNullable<InventoryMessage['hardware']>;
type FactValue = Facts[string];

/** Logs a fact that had to be left out. */
export type DropLog = (msg: string, fields?: Record<string, unknown>) => void;

/**
 * Picks `keys` of `source` (renamed through `[from, to]` pairs) as facts. Empty strings and
 * non-scalar values are left out; a string over the wire bound is dropped and logged, never
 * truncated, because facts are stored verbatim.
 */
export function pickFacts(
  source: object,
  keys: readonly (string | readonly [from: string, to: string])[],
  log: DropLog,
): Facts {
  const out: Facts = {};
  const record = source as Record<string, unknown>;
  for (const key of keys) {
    const [from, to] = typeof key === 'string' ? [key, key] : key;
    const value = factValue(record[from]);
    if (value === undefined) continue;
    if (typeof value === 'string' && value.length > LIMITS.maxTextLength) {
      log('inventory fact too long, left out', {
        limit: 'INVENTORY_FACT_TOO_LONG',
        fact: to,
        length: value.length,
      });
      continue;
    }
    out[to] = value;
  }
  return out;
}

function factValue(value: unknown): FactValue | undefined {
  if (value === null) return null;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value;
  return undefined;
}

/** Merges fact groups; later groups win on a repeated key. */
export function mergeFacts(...groups: Facts[]): Facts {
  return Object.assign({}, ...groups);
}
