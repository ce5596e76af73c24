import { z } from 'zod';
import { LIMITS } from './limits.js';
import {
  bytes,
  count,
  epochMs,
  list,
  loadAverage,
  name,
  optionalName,
  path,
  percent,
  rate,
} from './primitives.js';

/** A part cannot exceed its whole: a sample saying otherwise is refused, not clamped. */
const notAbove = (part: string, whole: string) => ({ message: `${part} exceeds ${whole}`, path: [part] });

// One sample is one collection cycle on one machine: everything the fast collectors saw at `at`.
// Every section is optional because a platform may not have it (no battery on a server) and
// slow sections (top processes, services) are not collected every cycle.

export const cpuSampleSchema = z.object({
  /** Busy share of all cores over the last interval. */
  usagePct: percent,
  perCorePct: list(percent),
  iowaitPct: percent.optional(),
  /** 1, 5 and 15 minute load averages (absent on Windows). */
  load: z.tuple([loadAverage, loadAverage, loadAverage]).optional(),
});

export const memorySampleSchema = z
  .object({
    totalBytes: bytes,
    usedBytes: bytes,
    availableBytes: bytes,
    usedPct: percent,
    swapTotalBytes: bytes,
    swapUsedBytes: bytes,
    swapUsedPct: percent,
  })
  .refine((m) => m.usedBytes <= m.totalBytes, notAbove('usedBytes', 'totalBytes'))
  .refine((m) => m.availableBytes <= m.totalBytes, notAbove('availableBytes', 'totalBytes'))
  .refine((m) => m.swapUsedBytes <= m.swapTotalBytes, notAbove('swapUsedBytes', 'swapTotalBytes'));

export const filesystemSampleSchema = z
  .object({
    mount: path,
    device: path,
    fsType: name,
    sizeBytes: bytes,
    usedBytes: bytes,
    /** Space an unprivileged user can still write (what "disk full" means to applications). */
    freeBytes: bytes,
    usedPct: percent,
    inodesTotal: count.optional(),
    inodesUsed: count.optional(),
    inodesUsedPct: percent.optional(),
  })
  .refine((f) => f.usedBytes <= f.sizeBytes, notAbove('usedBytes', 'sizeBytes'))
  .refine((f) => f.freeBytes <= f.sizeBytes, notAbove('freeBytes', 'sizeBytes'))
  .refine(
    (f) => f.inodesUsed === undefined || f.inodesTotal === undefined || f.inodesUsed <= f.inodesTotal,
    notAbove('inodesUsed', 'inodesTotal'),
  );

export const diskIoSampleSchema = z.object({
  device: name,
  readBytesPerSec: rate,
  writeBytesPerSec: rate,
  readOpsPerSec: rate,
  writeOpsPerSec: rate,
  /** Share of the interval the device had I/O in flight. */
  busyPct: percent.optional(),
});

export const networkSampleSchema = z.object({
  iface: name,
  rxBytesPerSec: rate,
  txBytesPerSec: rate,
  rxErrors: count,
  txErrors: count,
  rxDropped: count,
  txDropped: count,
});

export const temperatureSampleSchema = z.object({
  sensor: name,
  celsius: z.number().min(-273.15).max(1000),
});

export const batterySampleSchema = z.object({
  chargePct: percent,
  charging: z.boolean(),
  acConnected: z.boolean(),
  cycleCount: count.optional(),
  /** Full-charge capacity as a share of design capacity (battery wear). */
  healthPct: z.number().min(0).max(200).optional(),
});

export const uptimeSampleSchema = z.object({
  bootTime: epochMs,
  uptimeSec: z.number().min(0).max(1e10),
});

export const processInfoSchema = z.object({
  pid: count,
  name: optionalName,
  user: optionalName.optional(),
  /** Can exceed 100 on several cores, not the core count times 100 of the largest machine. */
  cpuPct: z.number().min(0).max(100_000),
  memBytes: bytes,
});

export const processesSampleSchema = z.object({
  total: count,
  running: count,
  blocked: count.optional(),
  /** Present only on the slow cycle or when a check fired. */
  topByCpu: z.array(processInfoSchema).max(LIMITS.maxTopProcesses).optional(),
  topByMemory: z.array(processInfoSchema).max(LIMITS.maxTopProcesses).optional(),
});

export const SERVICE_STATES = ['running', 'stopped', 'unknown'] as const;
export const serviceSampleSchema = z.object({
  name,
  state: z.enum(SERVICE_STATES),
});

export const sampleSchema = z.object({
  at: epochMs,
  cpu: cpuSampleSchema.optional(),
  memory: memorySampleSchema.optional(),
  filesystems: list(filesystemSampleSchema).optional(),
  diskIo: list(diskIoSampleSchema).optional(),
  network: list(networkSampleSchema).optional(),
  temperatures: list(temperatureSampleSchema).optional(),
  battery: batterySampleSchema.optional(),
  uptime: uptimeSampleSchema.optional(),
  processes: processesSampleSchema.optional(),
  services: list(serviceSampleSchema).optional(),
});

export type Sample = z.infer<typeof sampleSchema>;
export type CpuSample = z.infer<typeof cpuSampleSchema>;
export type MemorySample = z.infer<typeof memorySampleSchema>;
export type FilesystemSample = z.infer<typeof filesystemSampleSchema>;
export type DiskIoSample = z.infer<typeof diskIoSampleSchema>;
export type NetworkSample = z.infer<typeof networkSampleSchema>;
export type TemperatureSample = z.infer<typeof temperatureSampleSchema>;
export type BatterySample = z.infer<typeof batterySampleSchema>;
export type UptimeSample = z.infer<typeof uptimeSampleSchema>;
export type ProcessInfo = z.infer<typeof processInfoSchema>;
export type ProcessesSample = z.infer<typeof processesSampleSchema>;
export type ServiceSample = z.infer<typeof serviceSampleSchema>;
/** Section names of a sample, as collectors and the hub refer to them. */
export type SampleSection = Exclude<keyof Sample, 'at'>;
