import type { FilesystemSample, NetworkSample, Sample } from '@vigie/shared';
import type { SimHostPlan } from './fleet-plan.js';
import { type Random, randomInt } from './random.js';

const GIB = 1024 ** 3;

/** Values a fault forces for a while; absent keys follow the random walk. */
export interface SampleOverrides {
  readonly cpu?: number;
  readonly mem?: number;
  readonly swap?: number;
  readonly disk?: number;
}

/** Makes one host's successive samples; the values wander slowly, as a real machine's do. */
export interface SampleGenerator {
  /** The next sample: `step` then `build(values)`. */
  next(at: number, overrides?: SampleOverrides): Sample;
  /** Advance every wandering value to time `at`, into `values`; allocates nothing. */
  step(at: number, overrides?: SampleOverrides): void;
  /** The host's changing numbers, one slot each, as the last `step` left them. */
  readonly values: Float64Array;
  /** The sample those slot values make (any values: the report template passes sentinels). */
  build(values: ArrayLike<number>): Sample;
}

interface Walk {
  value: number;
  readonly min: number;
  readonly max: number;
  readonly step: number;
}

const walk = (value: number, min: number, max: number, step: number): Walk => ({ value, min, max, step });

/** One random-walk step, reflected at the bounds so values stay plausible forever. */
function stepWalk(w: Walk, random: Random): number {
  let next = w.value + (random() * 2 - 1) * w.step;
  if (next < w.min) next = 2 * w.min - next;
  if (next > w.max) next = 2 * w.max - next;
  w.value = Math.min(w.max, Math.max(w.min, next));
  return w.value;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const clampPct = (x: number) => Math.min(100, Math.max(0, x));

const MOUNTS = [
  { mount: '/boot', sizeGiB: 1 },
  { mount: '/home', sizeGiB: 400 },
  { mount: '/var', sizeGiB: 80 },
  { mount: '/srv', sizeGiB: 1000 },
  { mount: '/data', sizeGiB: 2000 },
];
const WINDOWS_MOUNTS = ['C:\\', 'D:\\', 'E:\\', 'F:\\', 'G:\\', 'H:\\'];

interface FsShape {
  readonly mount: string;
  readonly device: string;
  readonly fsType: string;
  readonly sizeBytes: number;
  readonly inodesTotal: number | undefined;
  readonly used: Walk;
}

function filesystemShapes(host: SimHostPlan, random: Random): FsShape[] {
  const count = randomInt(random, 2, 6);
  const windows = host.os.platform === 'win32';
  return Array.from({ length: count }, (_, i) => {
    const extra = MOUNTS[(i - 1) % MOUNTS.length]!;
    const sizeGiB = i === 0 ? randomInt(random, 64, 512) : extra.sizeGiB * (0.5 + random());
    const usedPct = 20 + random() * 55;
    return {
      mount: windows ? WINDOWS_MOUNTS[i]! : i === 0 ? '/' : extra.mount,
      device: windows
        ? `\\\\?\\Volume{${i}}`
        : `/dev/${i === 0 ? 'nvme0n1p2' : `sd${String.fromCharCode(97 + i)}1`}`,
      fsType: windows ? 'NTFS' : i % 2 === 0 ? 'ext4' : 'xfs',
      sizeBytes: Math.round(sizeGiB * GIB),
      inodesTotal: windows ? undefined : Math.round((sizeGiB * GIB) / 16384),
      // Disks fill slowly and rarely shrink: a small step, biased by the reflection at the bounds.
      used: walk(usedPct, 5, 92, 0.05),
    };
  });
}

const IFACES = {
  linux: ['eth0', 'ens18', 'wlan0'],
  win32: ['Ethernet', 'Wi-Fi', 'vEthernet'],
  darwin: ['en0', 'en1', 'utun0'],
};

/**
 * A generator for one host, its hardware drawn once from `random` (2–16 cores, 2–6 filesystems…).
 *
 * Every number that changes between two samples lives in one slot of `values` (a Float64Array laid
 * out once per host); `step` advances the walks into the slots without allocating, and `build` turns
 * any slot values into the `Sample` object. So the simulator can encode a host's report once, with
 * the real encoder, from sentinel slot values, and afterwards only print the slots into that
 * template (report-template.ts); `next` is `step` then `build`, for the checks and the tests.
 */
export function createSampleGenerator(host: SimHostPlan, random: Random, bootTime: number): SampleGenerator {
  const server = host.role === 'server';
  const linux = host.os.platform === 'linux';
  const windows = host.os.platform === 'win32';
  const cores = [2, 4, 4, 8, 8, 12, 16][randomInt(random, 0, 6)]!;
  const memoryBytes = [4, 8, 16, 16, 32, 64][randomInt(random, 0, 5)]! * GIB;
  const swapBytes = host.os.platform === 'darwin' ? 0 : Math.min(8 * GIB, memoryBytes / 2);
  const cpu = walk(server ? 15 + random() * 40 : 3 + random() * 25, 0.5, 95, 4);
  const mem = walk(30 + random() * 45, 10, 95, 1.5);
  const swap = walk(random() * 10, 0, 60, 0.5);
  const filesystems = filesystemShapes(host, random);
  const ifaceNames =
    IFACES[host.os.platform === 'win32' || host.os.platform === 'darwin' ? host.os.platform : 'linux'];
  const interfaces = ifaceNames.slice(0, randomInt(random, 1, 3)).map((iface, i) => ({
    iface,
    rx: walk(i === 0 ? 50_000 + random() * 500_000 : random() * 20_000, 0, 50_000_000, 40_000),
    tx: walk(i === 0 ? 20_000 + random() * 200_000 : random() * 10_000, 0, 20_000_000, 20_000),
  }));
  const coreSkew = Array.from({ length: cores }, () => (random() * 2 - 1) * 10);
  const load = [0, 0, 0];
  let loadPrimed = false;

  // The slot layout: where each changing number of the sample lives in `values`.
  let slots = 0;
  const AT = slots++;
  const CPU = slots++;
  const PER_CORE = slots;
  slots += cores;
  const IOWAIT = linux ? slots++ : -1;
  const LOAD = windows ? -1 : slots;
  if (!windows) slots += 3;
  const MEM = slots; // usedBytes, availableBytes, usedPct, swapUsedBytes, swapUsedPct
  slots += 5;
  const FS = filesystems.map((fs) => {
    const at = slots; // usedBytes, freeBytes, usedPct[, inodesUsed, inodesUsedPct]
    slots += fs.inodesTotal === undefined ? 3 : 5;
    return at;
  });
  const NET = slots; // per interface: rxBytesPerSec, txBytesPerSec, rxDropped
  slots += 3 * interfaces.length;
  const UPTIME = slots++;
  const values = new Float64Array(slots);

  function step(at: number, overrides: SampleOverrides = {}): void {
    const v = values;
    v[AT] = at;
    const cpuPct = overrides.cpu ?? stepWalk(cpu, random);
    for (let i = 0; i < cores; i += 1)
      v[PER_CORE + i] = round1(clampPct(cpuPct + coreSkew[i]! + (random() * 2 - 1) * 5));
    const runnable = (cores * cpuPct) / 100;
    // Exponentially smoothed like the kernel's averages: 1, 5 and 15 minutes react at different speeds.
    for (let i = 0; i < 3; i += 1)
      load[i] = loadPrimed ? load[i]! + LOAD_ALPHA[i]! * (runnable - load[i]!) : runnable;
    loadPrimed = true;

    const memPct = overrides.mem ?? stepWalk(mem, random);
    const usedBytes = Math.round((memoryBytes * memPct) / 100);
    const swapPct = swapBytes === 0 ? 0 : (overrides.swap ?? stepWalk(swap, random));
    v[MEM] = usedBytes;
    v[MEM + 1] = memoryBytes - usedBytes;
    v[MEM + 2] = round1(memPct);
    v[MEM + 3] = Math.round((swapBytes * swapPct) / 100);
    v[MEM + 4] = round1(swapPct);

    for (let i = 0; i < filesystems.length; i += 1) {
      const fs = filesystems[i]!;
      const pct = i === 0 && overrides.disk !== undefined ? overrides.disk : stepWalk(fs.used, random);
      const used = Math.round((fs.sizeBytes * pct) / 100);
      const s = FS[i]!;
      v[s] = used;
      v[s + 1] = fs.sizeBytes - used;
      v[s + 2] = round1(pct);
      if (fs.inodesTotal === undefined) continue;
      const inodesUsed = Math.round((fs.inodesTotal * pct) / 400);
      v[s + 3] = inodesUsed;
      v[s + 4] = round1((inodesUsed / fs.inodesTotal) * 100);
    }

    for (let i = 0; i < interfaces.length; i += 1) {
      const nic = interfaces[i]!;
      v[NET + 3 * i] = Math.round(stepWalk(nic.rx, random));
      v[NET + 3 * i + 1] = Math.round(stepWalk(nic.tx, random));
      v[NET + 3 * i + 2] = random() < 0.01 ? 1 : 0;
    }

    v[CPU] = round1(clampPct(cpuPct));
    if (IOWAIT >= 0) v[IOWAIT] = round1(random() * 2);
    if (LOAD >= 0) for (let i = 0; i < 3; i += 1) v[LOAD + i] = Math.round(load[i]! * 100) / 100;
    v[UPTIME] = Math.max(0, Math.round((at - bootTime) / 1000));
  }

  function build(v: ArrayLike<number>): Sample {
    const fsSamples: FilesystemSample[] = filesystems.map((fs, i) => {
      const s = FS[i]!;
      const sample: FilesystemSample = {
        mount: fs.mount,
        device: fs.device,
        fsType: fs.fsType,
        sizeBytes: fs.sizeBytes,
        usedBytes: v[s]!,
        freeBytes: v[s + 1]!,
        usedPct: v[s + 2]!,
      };
      if (fs.inodesTotal === undefined) return sample;
      return { ...sample, inodesTotal: fs.inodesTotal, inodesUsed: v[s + 3]!, inodesUsedPct: v[s + 4]! };
    });
    const network: NetworkSample[] = interfaces.map((nic, i) => ({
      iface: nic.iface,
      rxBytesPerSec: v[NET + 3 * i]!,
      txBytesPerSec: v[NET + 3 * i + 1]!,
      rxErrors: 0,
      txErrors: 0,
      rxDropped: v[NET + 3 * i + 2]!,
      txDropped: 0,
    }));
    const perCorePct: number[] = [];
    for (let i = 0; i < cores; i += 1) perCorePct.push(v[PER_CORE + i]!);
    return {
      at: v[AT]!,
      cpu: {
        usagePct: v[CPU]!,
        perCorePct,
        ...(IOWAIT >= 0 ? { iowaitPct: v[IOWAIT]! } : {}),
        ...(LOAD >= 0 ? { load: [v[LOAD]!, v[LOAD + 1]!, v[LOAD + 2]!] as [number, number, number] } : {}),
      },
      memory: {
        totalBytes: memoryBytes,
        usedBytes: v[MEM]!,
        availableBytes: v[MEM + 1]!,
        usedPct: v[MEM + 2]!,
        swapTotalBytes: swapBytes,
        swapUsedBytes: v[MEM + 3]!,
        swapUsedPct: v[MEM + 4]!,
      },
      filesystems: fsSamples,
      network,
      uptime: { bootTime, uptimeSec: v[UPTIME]! },
    };
  }

  return {
    values,
    step,
    build,
    next(at, overrides) {
      step(at, overrides);
      return build(values);
    },
  };
}

const LOAD_ALPHA = [0.6, 0.2, 0.07];
