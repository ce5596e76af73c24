import { LIMITS } from './limits.js';
import { indexByName, isRecord, LIST_KEYS, PREDICTED, TOP_LISTS, topPool } from './sample-delta.js';
import { CarriedSample } from './sample-delta-carry.js';

// The hub's side of samples as changes (sample-delta.ts has the wire form). It trusts nothing:
// it rebuilds what the wire says from what this connection sent before, and the result is
// validated like any sample. What it cannot rebuild (an index out of range, the changes of an
// item it never saw, a `null` where a value is needed) stays as it came and fails validation:
// the sample is refused, never guessed.

type Json = Record<string, unknown>;

/** `base` with `changes` applied: a key set to `null` is removed, others replaced or added. */
function applyChanges(base: Json, changes: Json, skip?: readonly string[]): Json {
  const out: Json = { ...base };
  for (const key in changes) {
    // A key named `__proto__` would replace the prototype; zod drops it as unknown anyway.
    if (key === '__proto__' || skip?.includes(key)) continue;
    const value = changes[key];
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}

/**
 * A section object rebuilt from its reference: the changes, then each prediction for a field the
 * changes do not set, worked out in order on the object being built (as `predicted` does).
 * Unchanged and unpredicted, it is the reference itself: nothing downstream mutates a sample.
 */
function rebuild(
  section: string,
  reference: Json,
  changes: Json | undefined,
  elapsedMs: number | undefined,
): Json {
  const rules = PREDICTED[section];
  if (changes === undefined && rules === undefined) return reference;
  const out = changes === undefined ? { ...reference } : applyChanges(reference, changes);
  if (rules === undefined) return out;
  for (const [field, predict] of rules) {
    if (changes !== undefined && Object.hasOwn(changes, field)) continue;
    const value = predict(reference, out, elapsedMs);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

/** A wire list rebuilt against its reference list (items by index, by position or by name). */
function expandList(
  section: string,
  reference: readonly unknown[],
  list: readonly unknown[],
  key: string,
  elapsedMs: number | undefined,
): unknown[] {
  // Built only when an item is named (most are by index or position).
  let index: Map<unknown, number> | undefined;
  return list.map((item, i) => {
    if (typeof item === 'number') {
      const known = Number.isInteger(item) ? reference[item] : undefined;
      return isRecord(known) ? rebuild(section, known, undefined, elapsedMs) : item;
    }
    if (!isRecord(item)) return item;
    if (Object.hasOwn(item, key)) index ??= indexByName(reference, key);
    const at = index && Object.hasOwn(item, key) ? index.get(item[key]) : i;
    const known = at === undefined ? undefined : reference[at];
    return isRecord(known) ? rebuild(section, known, item, elapsedMs) : item;
  });
}

/** Without the top lists: what a processes section carries to the next sample. */
function withoutTops(section: unknown): unknown {
  if (!isRecord(section) || (section.topByCpu === undefined && section.topByMemory === undefined))
    return section;
  const { topByCpu: _c, topByMemory: _m, ...rest } = section;
  return rest;
}

/** True when every list of the sample is within its bound (only such a sample is carried). */
function bounded(sample: Json): boolean {
  for (const section in LIST_KEYS) {
    const list = sample[section];
    if (Array.isArray(list) && list.length > LIMITS.maxListItems) return false;
  }
  const processes = sample.processes;
  if (!isRecord(processes)) return true;
  return TOP_LISTS.every((kind) => {
    const list = processes[kind];
    return !Array.isArray(list) || list.length <= LIMITS.maxTopProcesses;
  });
}

/** The last top lists written on a connection, by kind (the pool `topPool` matches pids in). */
type TopLists = Record<string, readonly unknown[] | undefined>;

/**
 * One connection's reader of samples written as changes. A class, so its methods are shared by
 * every connection and a connection holds only its state: the reference sample, compact (a shared
 * shape and its figures, sample-delta-carry.ts; rebuilt as objects when a frame comes), and the last
 * top lists as JSON text (read again only when a sample brings top lists, on the slow cycle: about
 * 1.6 KB of text instead of ~2 KB of objects for twenty processes).
 */
class SampleDeltaDecoder {
  private readonly reference = new CarriedSample();
  private lastTopText: string | undefined;

  /** The full sample `wire` stands for (the first on a connection is full already). */
  expand(wire: unknown): unknown {
    if (!isRecord(wire)) return wire;
    const old = this.reference.sample();
    let full: Json;
    if (old === undefined) full = wire;
    else {
      full = { at: wire.at };
      const elapsedMs =
        typeof wire.at === 'number' && typeof old.at === 'number' ? wire.at - old.at : undefined;
      for (const section in old) {
        if (section === 'at' || section === '__proto__') continue;
        const value = Object.hasOwn(wire, section)
          ? wire[section] === null
            ? undefined
            : this.expandSection(section, old[section], wire[section], elapsedMs)
          : carried(section, old[section], elapsedMs);
        if (value !== undefined) full[section] = value;
      }
      for (const section in wire) {
        if (section === 'at' || section === '__proto__' || Object.hasOwn(old, section)) continue;
        if (wire[section] === null) continue;
        full[section] = this.expandSection(section, undefined, wire[section], elapsedMs);
      }
    }
    this.remember(full);
    return full;
  }

  private lastTop(): TopLists {
    return this.lastTopText === undefined ? {} : (JSON.parse(this.lastTopText) as TopLists);
  }

  private expandProcesses(old: unknown, wire: unknown): unknown {
    if (!isRecord(wire)) return wire;
    const out = applyChanges(isRecord(old) ? (withoutTops(old) as Json) : {}, wire, TOP_LISTS);
    let lastTop: TopLists | undefined;
    for (const kind of TOP_LISTS) {
      const list = wire[kind];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        out[kind] = list;
        continue;
      }
      lastTop ??= this.lastTop();
      const currentCpu = Array.isArray(out.topByCpu) ? out.topByCpu : undefined;
      out[kind] = expandList('processes', topPool(kind, lastTop, currentCpu), list, 'pid', undefined);
    }
    return out;
  }

  private expandSection(
    section: string,
    old: unknown,
    wire: unknown,
    elapsedMs: number | undefined,
  ): unknown {
    if (section === 'processes') return this.expandProcesses(old, wire);
    const key = LIST_KEYS[section];
    if (key !== undefined) {
      return Array.isArray(wire)
        ? expandList(section, Array.isArray(old) ? old : [], wire, key, elapsedMs)
        : wire;
    }
    return isRecord(old) && isRecord(wire) ? rebuild(section, old, wire, elapsedMs) : wire;
  }

  private remember(full: Json): void {
    if (!bounded(full)) {
      this.reference.drop();
      this.lastTopText = undefined;
      return;
    }
    // Carried without its top lists (they are never carried; the pool keeps them).
    const processes = full.processes;
    const carriedProcesses = withoutTops(processes);
    this.reference.keep(carriedProcesses === processes ? full : { ...full, processes: carriedProcesses });
    if (!isRecord(processes)) return;
    const cpu = Array.isArray(processes.topByCpu) ? processes.topByCpu : undefined;
    const memory = Array.isArray(processes.topByMemory) ? processes.topByMemory : undefined;
    if (cpu === undefined && memory === undefined) return;
    // A kind this sample does not bring keeps its last list.
    const lastTop = cpu === undefined || memory === undefined ? this.lastTop() : {};
    if (cpu !== undefined) lastTop.topByCpu = cpu;
    if (memory !== undefined) lastTop.topByMemory = memory;
    this.lastTopText = JSON.stringify(lastTop);
  }
}

/** An unchanged section carried to the next sample (predictions worked out again). */
function carried(section: string, old: unknown, elapsedMs: number | undefined): unknown {
  if (section === 'processes') return withoutTops(old);
  if (Array.isArray(old))
    return expandList(
      section,
      old,
      old.map((_, i) => i),
      LIST_KEYS[section] ?? '',
      elapsedMs,
    );
  return isRecord(old) ? rebuild(section, old, undefined, elapsedMs) : old;
}

/** One connection's reader of samples written as changes. */
export function createSampleDeltaDecoder(): SampleDeltaDecoder {
  return new SampleDeltaDecoder();
}
export type { SampleDeltaDecoder };

/**
 * The hub's side for whole `metrics` messages, one per connection: fills `json` in place. It is the
 * samples' decoder itself (a subclass, not a holder of one): one object less per connection.
 */
class MetricsDeltaDecoder extends SampleDeltaDecoder {
  private lastBootId: unknown;

  fill(json: Json): void {
    if (json.bootId === undefined) {
      if (this.lastBootId !== undefined) json.bootId = this.lastBootId;
    } else this.lastBootId = json.bootId;
    const list = json.samples;
    if (!Array.isArray(list)) return;
    for (let i = 0; i < list.length; i++) list[i] = this.expand(list[i]);
  }
}

/** The hub's side for whole `metrics` messages, one per connection: fills `json` in place. */
export function createMetricsDeltaDecoder(): MetricsDeltaDecoder {
  return new MetricsDeltaDecoder();
}
export type { MetricsDeltaDecoder };
