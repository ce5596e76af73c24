import { int } from '../util/numbers.js';

/** Cumulative counters of one block device from /proc/diskstats. */
export interface DiskCounters {
  readonly name: string;
  readonly readOps: number;
  readonly readSectors: number;
  readonly writeOps: number;
  readonly writeSectors: number;
  /** Milliseconds the device had I/O in flight. */
  readonly ioTicksMs: number;
}

/** Parses /proc/diskstats (see Documentation/admin-guide/iostats.rst). */
export function parseDiskstats(text: string): DiskCounters[] {
  const out: DiskCounters[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const name = f[2];
    const ioTicksMs = int(f[12]);
    if (!name || ioTicksMs === undefined) continue;
    out.push({
      name,
      readOps: int(f[3]) ?? 0,
      readSectors: int(f[5]) ?? 0,
      writeOps: int(f[7]) ?? 0,
      writeSectors: int(f[9]) ?? 0,
      ioTicksMs,
    });
  }
  return out;
}

// Virtual or stacked devices: their I/O is either not disk I/O (loop, ram, zram) or already
// counted on the physical disks underneath (device-mapper, md RAID).
const VIRTUAL_DISK = /^(loop|ram|zram|dm-|md|nbd|fd|sr)\d*/;
// Partition names when /sys/block cannot tell us: sda1, vdb2, xvda1, nvme0n1p1, mmcblk0p1.
const PARTITION = /^((sd|vd|xvd|hd)[a-z]+\d+|(nvme\d+n\d+|mmcblk\d+|md\d+)p\d+)$/;

/**
 * Whether a diskstats device is a physical whole disk worth reporting. `wholeDisks` is the
 * listing of /sys/block (whole disks only, partitions live below them) when it was readable.
 */
export function isPhysicalDisk(name: string, wholeDisks: ReadonlySet<string> | undefined): boolean {
  if (VIRTUAL_DISK.test(name)) return false;
  return wholeDisks ? wholeDisks.has(name) : !PARTITION.test(name);
}
