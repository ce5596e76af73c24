import type { DiskIoSample } from '@vigie/shared';
import { LIMITS } from '@vigie/shared';
import type { Collector } from './collector.js';
import type { Clock, Log, ReadDir, ReadText } from './deps.js';
import { type DiskCounters, isPhysicalDisk, parseDiskstats } from './linux/diskstats.js';
import { createLogOnce, errorCode } from './util/log-once.js';
import { pct, ratePerSec } from './util/numbers.js';

// /proc/diskstats counts 512-byte sectors whatever the device's real sector size.
const SECTOR_BYTES = 512;

/** Per physical disk throughput, IOPS and busy time from /proc/diskstats deltas. */
export function createLinuxDiskIoCollector(deps: {
  readFile: ReadText;
  readdir: ReadDir;
  clock: Clock;
  log: Log;
}): Collector<'diskIo'> {
  const logOnce = createLogOnce(deps.log);
  let previous: { at: number; disks: Map<string, DiskCounters> } | undefined;
  return {
    section: 'diskIo',
    async collect() {
      let text: string;
      try {
        text = await deps.readFile('/proc/diskstats');
      } catch (err) {
        // Some containers hide it; that is a platform fact, not a per-cycle error.
        logOnce('diskstats', 'disk I/O unavailable: cannot read /proc/diskstats', { code: errorCode(err) });
        return undefined;
      }
      // /sys/block lists whole disks only; without it fall back to name patterns.
      const wholeDisks = await deps.readdir('/sys/block').then(
        (names) => new Set(names),
        () => undefined,
      );
      const at = deps.clock();
      const disks = new Map(
        parseDiskstats(text)
          .filter((d) => isPhysicalDisk(d.name, wholeDisks))
          .map((d) => [d.name, d]),
      );
      const before = previous;
      previous = { at, disks };
      if (!before) return undefined;
      const elapsedMs = at - before.at;
      if (!(elapsedMs > 0)) return undefined;
      const out: DiskIoSample[] = [];
      for (const [name, now] of disks) {
        const was = before.disks.get(name);
        // A disk that just appeared has no rate yet.
        if (!was) continue;
        out.push({
          device: name,
          readBytesPerSec: ratePerSec(
            now.readSectors * SECTOR_BYTES,
            was.readSectors * SECTOR_BYTES,
            elapsedMs,
          ),
          writeBytesPerSec: ratePerSec(
            now.writeSectors * SECTOR_BYTES,
            was.writeSectors * SECTOR_BYTES,
            elapsedMs,
          ),
          readOpsPerSec: ratePerSec(now.readOps, was.readOps, elapsedMs),
          writeOpsPerSec: ratePerSec(now.writeOps, was.writeOps, elapsedMs),
          busyPct: pct(Math.max(0, now.ioTicksMs - was.ioTicksMs), elapsedMs),
        });
      }
      return out.slice(0, LIMITS.maxListItems);
    },
  };
}
