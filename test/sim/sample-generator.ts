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
  next(at: number, overrides?: SampleOverrides): Sample;
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

/** A generator for one host, its hardware drawn once from `random` (2–16 cores, 2–6 filesystems…). */
export function createSampleGenerator(host: SimHostPlan, random: Random, bootTime: number): SampleGenerator {
  const server = host.role === 'server';
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
  const load: [number, number, number] = [0, 0, 0];
  let loadPrimed = false;

  return {
    next(at, overrides = {}) {
      const cpuPct = overrides.cpu ?? stepWalk(cpu, random);
      const perCorePct = coreSkew.map((skew) => round1(clampPct(cpuPct + skew + (random() * 2 - 1) * 5)));
      const runnable = (cores * cpuPct) / 100;
      // Exponentially smoothed like the kernel's averages: 1, 5 and 15 minutes react at different speeds.
      [0.6, 0.2, 0.07].forEach((alpha, i) => {
        load[i] = loadPrimed ? load[i]! + alpha * (runnable - load[i]!) : runnable;
      });
      loadPrimed = true;

      const memPct = overrides.mem ?? stepWalk(mem, random);
      const usedBytes = Math.round((memoryBytes * memPct) / 100);
      const swapPct = swapBytes === 0 ? 0 : (overrides.swap ?? stepWalk(swap, random));
      const swapUsedBytes = Math.round((swapBytes * swapPct) / 100);

      const fsSamples: FilesystemSample[] = filesystems.map((fs, i) => {
        const pct = i === 0 && overrides.disk !== undefined ? overrides.disk : stepWalk(fs.used, random);
        const used = Math.round((fs.sizeBytes * pct) / 100);
        const sample: FilesystemSample = {
          mount: fs.mount,
          device: fs.device,
          fsType: fs.fsType,
          sizeBytes: fs.sizeBytes,
          usedBytes: used,
          freeBytes: fs.sizeBytes - used,
          usedPct: round1(pct),
        };
        if (fs.inodesTotal === undefined) return sample;
        const inodesUsed = Math.round((fs.inodesTotal * pct) / 400);
        return {
          ...sample,
          inodesTotal: fs.inodesTotal,
          inodesUsed,
          inodesUsedPct: round1((inodesUsed / fs.inodesTotal) * 100),
        };
      });

      const network: NetworkSample[] = interfaces.map((nic) => ({
        iface: nic.iface,
        rxBytesPerSec: Math.round(stepWalk(nic.rx, random)),
        txBytesPerSec: Math.round(stepWalk(nic.tx, random)),
        rxErrors: 0,
        txErrors: 0,
        rxDropped: random() < 0.01 ? 1 : 0,
        txDropped: 0,
      }));

      const sample: Sample = {
        at,
        cpu: {
          usagePct: round1(clampPct(cpuPct)),
          perCorePct,
          ...(host.os.platform === 'linux' ? { iowaitPct: round1(random() * 2) } : {}),
          ...(host.os.platform === 'win32'
            ? {}
            : { load: load.map((l) => Math.round(l * 100) / 100) as [number, number, number] }),
        },
        memory: {
          totalBytes: memoryBytes,
          usedBytes,
          availableBytes: memoryBytes - usedBytes,
          usedPct: round1(memPct),
          swapTotalBytes: swapBytes,
          swapUsedBytes,
          swapUsedPct: round1(swapPct),
        },
        filesystems: fsSamples,
        network,
        uptime: { bootTime, uptimeSec: Math.max(0, Math.round((at - bootTime) / 1000)) },
      };
      return sample;
    },
  };
}
