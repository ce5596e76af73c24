import type { MetricsMessage } from './agent/metrics.js';
import { LIMITS } from './limits.js';
import { SERVICE_STATES } from './sample.js';

// A bounded, hand-written validator for the `metrics` message, the hub's hot path (decision 0031):
// zod stays the schema of record (agent/metrics.ts, sample.ts); this is its fast twin for what
// agents really send. It says "valid" only for a frame zod accepts unchanged; for anything else
// (a broken value, a key zod would strip) it says "ask zod", and the codec does. Its agreement
// with zod is a property test (fast-metrics.property.test.ts): change one, change the other.

type Check = (value: unknown) => boolean;

/** A field's check and whether it may be absent. */
interface Field {
  readonly check: Check;
  readonly optional: boolean;
}
type Shape = Readonly<Record<string, Field>>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What zod measures: code points, counted only when UTF-16 units leave the answer in doubt. */
function codePointLength(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    if ((text.charCodeAt(i) & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
}

const string =
  (min: number, max: number): Check =>
  (value) => {
    if (typeof value !== 'string') return false;
    const units = value.length;
    if (units <= max && units >= 2 * min) return true;
    const length = codePointLength(value);
    return length >= min && length <= max;
  };
const number =
  (min: number, max: number): Check =>
  (value) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
const integer =
  (min: number, max: number): Check =>
  (value) =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
const boolean: Check = (value) => typeof value === 'boolean';
const array =
  (item: Check, min: number, max: number): Check =>
  (value) => {
    if (!Array.isArray(value) || value.length < min || value.length > max) return false;
    for (const entry of value) if (!item(entry)) return false;
    return true;
  };
const list = (item: Check) => array(item, 0, LIMITS.maxListItems);

const req = (check: Check): Field => ({ check, optional: false });
const opt = (check: Check): Field => ({ check, optional: true });

/** Every key known and valid, every required one present, then the object's own rule. */
function object(shape: Shape, rule?: (value: Record<string, unknown>) => boolean): Check {
  const required = Object.keys(shape).filter((key) => !shape[key]!.optional);
  return (value) => {
    if (!isRecord(value)) return false;
    for (const key in value) {
      const field = shape[key];
      if (field === undefined || !Object.hasOwn(shape, key)) return false;
      const entry = value[key];
      if (entry === undefined ? !field.optional : !field.check(entry)) return false;
    }
    for (const key of required) if (value[key] === undefined) return false;
    return rule === undefined || rule(value);
  };
}

// The primitives of primitives.ts, with the same bounds.
const name = string(1, LIMITS.maxNameLength);
const optionalName = string(0, LIMITS.maxNameLength);
const path = string(1, LIMITS.maxPathLength);
const epochMs = integer(0, 8.64e15);
const percent = number(0, 100);
const bytes = number(0, 2 ** 60);
const count = integer(0, Number.MAX_SAFE_INTEGER);
const rate = number(0, 1e15);
const loadAverage = number(0, 1e6);
const BOOT_ID = /^[A-Za-z0-9_-]+$/;
const bootId: Check = (value) => string(8, 64)(value) && BOOT_ID.test(value as string);
const seq = integer(1, Number.MAX_SAFE_INTEGER);

const notAbove = (part: string, whole: string) => (value: Record<string, unknown>) =>
  (value[part] as number) <= (value[whole] as number);

const cpu = object({
  usagePct: req(percent),
  perCorePct: req(list(percent)),
  iowaitPct: opt(percent),
  load: opt(array(loadAverage, 3, 3)),
});
const memory = object(
  {
    totalBytes: req(bytes),
    usedBytes: req(bytes),
    availableBytes: req(bytes),
    usedPct: req(percent),
    swapTotalBytes: req(bytes),
    swapUsedBytes: req(bytes),
    swapUsedPct: req(percent),
  },
  (m) =>
    notAbove('usedBytes', 'totalBytes')(m) &&
    notAbove('availableBytes', 'totalBytes')(m) &&
    notAbove('swapUsedBytes', 'swapTotalBytes')(m),
);
const filesystem = object(
  {
    mount: req(path),
    device: req(path),
    fsType: req(name),
    sizeBytes: req(bytes),
    usedBytes: req(bytes),
    freeBytes: req(bytes),
    usedPct: req(percent),
    inodesTotal: opt(count),
    inodesUsed: opt(count),
    inodesUsedPct: opt(percent),
  },
  (f) =>
    notAbove('usedBytes', 'sizeBytes')(f) &&
    notAbove('freeBytes', 'sizeBytes')(f) &&
    (f.inodesUsed === undefined || f.inodesTotal === undefined || notAbove('inodesUsed', 'inodesTotal')(f)),
);
const diskIo = object({
  device: req(name),
  readBytesPerSec: req(rate),
  writeBytesPerSec: req(rate),
  readOpsPerSec: req(rate),
  writeOpsPerSec: req(rate),
  busyPct: opt(percent),
});
const network = object({
  iface: req(name),
  rxBytesPerSec: req(rate),
  txBytesPerSec: req(rate),
  rxErrors: req(count),
  txErrors: req(count),
  rxDropped: req(count),
  txDropped: req(count),
});
const temperature = object({ sensor: req(name), celsius: req(number(-273.15, 1000)) });
const battery = object({
  chargePct: req(percent),
  charging: req(boolean),
  acConnected: req(boolean),
  cycleCount: opt(count),
  healthPct: opt(number(0, 200)),
});
const uptime = object({ bootTime: req(epochMs), uptimeSec: req(number(0, 1e10)) });
const processInfo = object({
  pid: req(count),
  name: req(optionalName),
  user: opt(optionalName),
  cpuPct: req(number(0, 100_000)),
  memBytes: req(bytes),
});
const topProcesses = array(processInfo, 0, LIMITS.maxTopProcesses);
const processes = object({
  total: req(count),
  running: req(count),
  blocked: opt(count),
  topByCpu: opt(topProcesses),
  topByMemory: opt(topProcesses),
});
const serviceState: Check = (value) => (SERVICE_STATES as readonly unknown[]).includes(value);
const service = object({ name: req(name), state: req(serviceState) });

const sample = object({
  at: req(epochMs),
  cpu: opt(cpu),
  memory: opt(memory),
  filesystems: opt(list(filesystem)),
  diskIo: opt(list(diskIo)),
  network: opt(list(network)),
  temperatures: opt(list(temperature)),
  battery: opt(battery),
  uptime: opt(uptime),
  processes: opt(processes),
  services: opt(list(service)),
});

const metrics = object({
  type: req((value) => value === 'metrics'),
  bootId: req(bootId),
  seq: req(seq),
  samples: req(array(sample, 1, LIMITS.maxSamplesPerBatch)),
});

/**
 * True when `json` is a `metrics` message zod would accept as it is (no key to strip). False
 * means "not known valid": the caller asks zod, which may still accept, strip or salvage it.
 */
export function isPlainValidMetrics(json: unknown): json is MetricsMessage {
  return metrics(json);
}
