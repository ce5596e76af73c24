import type { MetricsMessage } from './agent/metrics.js';
import type { ProcessInfo, Sample } from './sample.js';
import {
  indexByName,
  isRecord,
  LIST_KEYS,
  predicted,
  sameValue,
  TOP_LISTS,
  topPool,
} from './sample-delta.js';

// The agent's side of samples as changes: the wire form is described in sample-delta.ts.

type Json = Record<string, unknown>;

/** A flat object's changes against its reference: changed keys, `null` for keys now absent. */
function changedKeys(reference: Json, value: Json, skip?: readonly string[]): Json | undefined {
  const out: Json = {};
  let changed = false;
  for (const key in value) {
    if (skip?.includes(key) || sameValue(reference[key], value[key])) continue;
    out[key] = value[key];
    changed = true;
  }
  for (const key in reference) {
    if (skip?.includes(key) || value[key] !== undefined || reference[key] === undefined) continue;
    out[key] = null;
    changed = true;
  }
  return changed ? out : undefined;
}

/**
 * A named list against its reference list; undefined when nothing changed. `section` names the
 * predictions that apply to its items.
 */
function listChanges(
  section: string,
  reference: readonly unknown[],
  list: readonly Json[],
  key: string,
  elapsedMs: number | undefined,
): unknown[] | undefined {
  const index = indexByName(reference, key);
  let changed = list.length !== reference.length;
  const out = list.map((item, i) => {
    const here = reference[i];
    const samePlace = isRecord(here) && sameValue(here[key], item[key]);
    const at = samePlace ? i : index.get(item[key]);
    if (at === undefined) {
      changed = true;
      return item;
    }
    if (at !== i) changed = true;
    const changes = changedKeys(predicted(section, reference[at] as Json, item, elapsedMs), item);
    if (changes === undefined) return at;
    changed = true;
    return samePlace ? changes : { [key]: item[key], ...changes };
  });
  return changed ? out : undefined;
}

/**
 * The agent's side, one per connection: each sample as its changes since the one written before.
 * Samples must be encoded in the order they are written on the socket.
 */
export function createSampleDeltaEncoder() {
  let reference: Json | undefined;
  const lastTop: Record<string, readonly unknown[] | undefined> = {};

  function processesChanges(old: Json | undefined, value: Json): Json | undefined {
    let out = old ? changedKeys(old, value, TOP_LISTS) : value;
    for (const kind of TOP_LISTS) {
      const list = value[kind] as ProcessInfo[] | undefined;
      if (list === undefined) continue;
      const pool = topPool(kind, lastTop, value.topByCpu as unknown[] | undefined);
      const items = list as unknown as Json[];
      out = {
        ...out,
        [kind]: listChanges('processes', pool, items, 'pid', undefined) ?? items.map((_, i) => i),
      };
    }
    for (const kind of TOP_LISTS) if (value[kind] !== undefined) lastTop[kind] = value[kind] as unknown[];
    return out;
  }

  function sectionChanges(section: string, old: unknown, value: unknown, elapsedMs: number): unknown {
    if (section === 'processes') return processesChanges(isRecord(old) ? old : undefined, value as Json);
    if (old === undefined) return value;
    const key = LIST_KEYS[section];
    if (key !== undefined) return listChanges(section, old as unknown[], value as Json[], key, elapsedMs);
    return changedKeys(predicted(section, old as Json, value as Json, elapsedMs), value as Json);
  }

  return {
    /** The sample as it goes on the wire (plain JSON, no longer a `Sample`). */
    encode(sample: Sample): object {
      const full = sample as unknown as Json;
      const old = reference;
      reference = full;
      if (old === undefined) {
        for (const kind of TOP_LISTS) {
          const list = sample.processes?.[kind];
          if (list !== undefined) lastTop[kind] = list;
        }
        return sample;
      }
      const out: Json = { at: sample.at };
      const elapsedMs = sample.at - (old.at as number);
      for (const section in full) {
        if (section === 'at') continue;
        const changes = sectionChanges(section, old[section], full[section], elapsedMs);
        if (changes !== undefined) out[section] = changes;
      }
      for (const section in old) if (full[section] === undefined && section !== 'at') out[section] = null;
      return out;
    },
  };
}
export type SampleDeltaEncoder = ReturnType<typeof createSampleDeltaEncoder>;

/** The agent's side for whole `metrics` messages, one per connection (samples and `bootId`). */
export function createMetricsDeltaEncoder() {
  const samples = createSampleDeltaEncoder();
  let lastBootId: string | undefined;
  return {
    encode(message: MetricsMessage): object {
      const { bootId, ...rest } = message;
      const sameBoot = bootId === lastBootId;
      lastBootId = bootId;
      return {
        type: rest.type,
        ...(!sameBoot && { bootId }),
        seq: rest.seq,
        samples: message.samples.map(samples.encode),
      };
    },
  };
}
export type MetricsDeltaEncoder = ReturnType<typeof createMetricsDeltaEncoder>;
