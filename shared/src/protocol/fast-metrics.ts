import type { MetricsMessage } from './agent/metrics.js';
import { LIMITS } from './limits.js';
import {
  plainArray as array,
  plainBoolean as boolean,
  type PlainCheck as Check,
  plainCount as count,
  plainEpochMs as epochMs,
  plainInteger as integer,
  plainList as list,
  plainName as name,
  plainNumber as number,
  plainObject as object,
  optional as opt,
  plainOptionalName as optionalName,
  plainPath as path,
  required as req,
  plainString as string,
} from './plain-checks.js';
import { SERVICE_STATES } from './sample.js';

// A bounded, hand-written validator for the `metrics` message, the hub's hot path (decision 0031):
// zod stays the schema of record (agent/metrics.ts, sample.ts); this is its fast twin for what
// agents really send. It says "valid" only for a frame zod accepts unchanged; for anything else
// (a broken value, a key zod would strip) it says "ask zod", and the codec does. Its agreement
// with zod is a property test (fast-metrics.property.test.ts): change one, change the other.

// The building blocks are plain-checks.ts' (shared with the agent's own checks, decision 0039),
// under short local names: the schema below reads like the zod one it mirrors.

// The primitives of primitives.ts, with the same bounds.
const percent = number(0, 100);
const bytes = number(0, 2 ** 60);
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
