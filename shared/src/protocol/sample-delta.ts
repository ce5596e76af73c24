// Samples as changes (decision 0033). On a steady host most of a sample repeats the one before:
// an idle interface's zero rates, a mount whose figures did not move, the boot time, the load of a
// quiet core. An agent talking to a hub that announced SAMPLE_DELTA_CAPABILITY (and that announced
// it in its own hello) writes each sample as what changed since the sample it wrote before *on this
// connection*; the hub keeps that sample and rebuilds the full one before validating, so what is
// validated and stored is exactly the sample the agent collected. The first sample on a connection
// is written whole (a reconnect, a new boot or a restarted hub starts with nothing carried).
//
// The wire form of a sample, against the reference (the full sample written before):
// - `at` is always written;
// - a section left out is the reference's section, unchanged; `null` means the section is absent;
// - a section object holds the keys whose value differs from what the reference predicts (`null`:
//   the key is now absent). The reference predicts its own values, except for the few figures
//   that follow from others (PREDICTED: memory available = total − used, a percentage from its
//   part and whole, a mount's free space moving opposite its used space, uptime advancing with
//   `at`, CPU usage as the mean of its cores); a prediction is only a guess both sides compute
//   alike, a wrong one costs the value on the wire, never the sample;
// - a list of named items (filesystems by mount, diskIo by device, network by iface, temperatures
//   by sensor, services by name) is the whole list, in order, where an item is a number n (item n
//   of the reference list as predicted, unchanged) or an object: the changes of the reference item
//   at the same position when it has no name, else the changes of the reference item of that
//   name, or a new item whole;
// - `processes.topByCpu` and `topByMemory` are not carried (absent means absent: they come on the
//   slow cycle only); when present, they are lists as above with items named by pid, against a
//   pool: the last top lists written on the connection (and, for topByMemory, first the topByCpu
//   of the same sample).
// `null` never appears in a valid sample, so it cannot be mistaken for a value.
// The message around the samples leaves out `bootId` when it is the one of the `metrics` message
// written before on the connection.

/** Announced in `hello.capabilities` by an agent, and in `welcome.capabilities` by a hub, that write and read samples as changes. */
export const SAMPLE_DELTA_CAPABILITY = 'sampleDelta';

type Json = Record<string, unknown>;

/** The name of an item in each list section, by which an item is matched with its reference. */
export const LIST_KEYS: Readonly<Record<string, string>> = {
  filesystems: 'mount',
  diskIo: 'device',
  network: 'iface',
  temperatures: 'sensor',
  services: 'name',
};
/** Keys of the processes section written whole or not at all, never carried. */
export const TOP_LISTS = ['topByCpu', 'topByMemory'] as const;

export const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What a sample's percentages are rounded to by `readablePct` (sample-readable.ts does the same). */
const round2 = (value: number) => Math.round(value * 100) / 100;
const round1 = (value: number) => Math.round(value * 10) / 10;

/** A percentage as the agent reports it: clamped, to 0.01 by the collector, then to 0.1. */
export function readablePct(part: unknown, whole: unknown): number | undefined {
  if (typeof part !== 'number' || typeof whole !== 'number') return undefined;
  if (!(whole > 0) || !Number.isFinite(part)) return 0;
  return round1(round2(Math.min(100, Math.max(0, (part / whole) * 100))));
}

const num = (value: unknown): value is number => typeof value === 'number';

/** The mean of per-core percentages to 0.1 (what the whole CPU's usage mostly is). */
function meanPct(perCore: unknown): number | undefined {
  if (!Array.isArray(perCore) || perCore.length === 0) return undefined;
  let sum = 0;
  for (const value of perCore) {
    if (!num(value)) return undefined;
    sum += value;
  }
  return round1(sum / perCore.length);
}

/** What the reference section and the current section so far say a field should be. */
type Predictor = (reference: Json, current: Json, elapsedMs: number | undefined) => unknown;

/**
 * Figures that follow from others, per section, in the order they are worked out: each reads only
 * figures that are not predicted or predicted before it. Undefined: no prediction (keep the reference's).
 */
export const PREDICTED: Readonly<Record<string, ReadonlyArray<readonly [string, Predictor]>>> = {
  cpu: [['usagePct', (_, c) => meanPct(c.perCorePct)]],
  memory: [
    [
      'availableBytes',
      (_, m) => (num(m.totalBytes) && num(m.usedBytes) ? m.totalBytes - m.usedBytes : undefined),
    ],
    ['usedPct', (_, m) => readablePct(m.usedBytes, m.totalBytes)],
    ['swapUsedPct', (_, m) => readablePct(m.swapUsedBytes, m.swapTotalBytes)],
  ],
  filesystems: [
    [
      'freeBytes',
      (r, f) =>
        num(r.freeBytes) && num(r.usedBytes) && num(f.usedBytes)
          ? r.freeBytes - (f.usedBytes - r.usedBytes)
          : undefined,
    ],
    [
      'usedPct',
      (_, f) =>
        num(f.usedBytes) && num(f.freeBytes)
          ? readablePct(f.usedBytes, f.usedBytes + f.freeBytes)
          : undefined,
    ],
    [
      'inodesUsedPct',
      (_, f) => (f.inodesUsed === undefined ? undefined : readablePct(f.inodesUsed, f.inodesTotal)),
    ],
  ],
  uptime: [
    [
      'uptimeSec',
      (r, _, elapsedMs) =>
        num(r.uptimeSec) && num(elapsedMs) ? Math.round(r.uptimeSec + elapsedMs / 1000) : undefined,
    ],
  ],
};

/**
 * What the agent compares a section with: the reference, each predicted field replaced by its
 * prediction from the sample's own figures (`current`). A field predicted wrong differs, so it goes
 * on the wire; the hub (sample-delta-expand.ts `rebuild`) works the predictions out in the same
 * order on the reference with the wire's changes applied, so it reads every figure they used.
 */
export function predicted(
  section: string,
  reference: Json,
  current: Json,
  elapsedMs: number | undefined,
): Json {
  const rules = PREDICTED[section];
  if (rules === undefined) return reference;
  const out: Json = { ...reference };
  for (const [field, predict] of rules) {
    const value = predict(reference, current, elapsedMs);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

/** Equal as JSON values (what a sample is made of: numbers, strings, booleans, arrays, objects). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const key of ka) {
    if (!Object.hasOwn(b, key) || !sameValue((a as Json)[key], (b as Json)[key])) return false;
  }
  return true;
}

/** Index of the first item of `list` named `name` by `key`, per name (both sides build it alike). */
export function indexByName(list: readonly unknown[], key: string): Map<unknown, number> {
  const index = new Map<unknown, number>();
  list.forEach((item, i) => {
    if (isRecord(item) && !index.has(item[key])) index.set(item[key], i);
  });
  return index;
}

/** The pool a top list's items are matched in (by pid): see the module comment. */
export function topPool(
  kind: (typeof TOP_LISTS)[number],
  last: Readonly<Record<string, readonly unknown[] | undefined>>,
  currentCpu: readonly unknown[] | undefined,
): readonly unknown[] {
  const lastCpu = last.topByCpu ?? [];
  const lastMemory = last.topByMemory ?? [];
  return kind === 'topByCpu'
    ? [...lastCpu, ...lastMemory]
    : [...(currentCpu ?? []), ...lastMemory, ...lastCpu];
}
