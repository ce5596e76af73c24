import type { Collector } from './collector.js';
import type { Clock, Log } from './deps.js';
import type { SiCollect } from './si.js';
import { createLogOnce, errorMessage } from './util/log-once.js';
import { ratePerSec } from './util/numbers.js';

interface Totals {
  readonly at: number;
  readonly readOps: number;
  readonly writeOps: number;
  readonly readBytes: number;
  readonly writeBytes: number;
}

/**
 * Machine-wide disk I/O (one `total` device: systeminformation has no per-disk counters) from
 * the cumulative `disksIO` and `fsStats` counters, rated against our own previous reading.
 * Windows has neither (they resolve null): logged once, section skipped.
 */
export function createSiDiskIoCollector(deps: {
  si: Pick<SiCollect, 'disksIO' | 'fsStats'>;
  clock: Clock;
  log: Log;
}): Collector<'diskIo'> {
  const logOnce = createLogOnce(deps.log);
  let previous: Totals | undefined;
  return {
    section: 'diskIo',
    async collect() {
      const [io, fs] = await Promise.all([deps.si.disksIO(), deps.si.fsStats()]).catch((err: unknown) => {
        logOnce('error', 'disk I/O unavailable', { err: errorMessage(err) });
        return [null, null] as const;
      });
      if (!io || !fs) {
        logOnce('null', 'disk I/O counters not available on this platform');
        return undefined;
      }
      const now: Totals = {
        at: deps.clock(),
        readOps: io.rIO,
        writeOps: io.wIO,
        readBytes: fs.rx,
        writeBytes: fs.wx,
      };
      const before = previous;
      previous = now;
      const elapsedMs = before ? now.at - before.at : 0;
      if (!before || !(elapsedMs > 0)) return undefined;
      return [
        {
          device: 'total',
          readBytesPerSec: ratePerSec(now.readBytes, before.readBytes, elapsedMs),
          writeBytesPerSec: ratePerSec(now.writeBytes, before.writeBytes, elapsedMs),
          readOpsPerSec: ratePerSec(now.readOps, before.readOps, elapsedMs),
          writeOpsPerSec: ratePerSec(now.writeOps, before.writeOps, elapsedMs),
        },
      ];
    },
  };
}
