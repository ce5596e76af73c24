import type { Collector } from './collector.js';
import type { SiCollect } from './si.js';
import { pct } from './util/numbers.js';

/** Memory and swap from `systeminformation.mem`; "used" excludes reclaimable cache. */
export function createSiMemoryCollector(deps: { si: Pick<SiCollect, 'mem'> }): Collector<'memory'> {
  return {
    section: 'memory',
    async collect() {
      const m = await deps.si.mem();
      const totalBytes = Math.max(0, m.total);
      const availableBytes = Math.min(totalBytes, Math.max(0, m.available));
      const usedBytes = totalBytes - availableBytes;
      const swapTotalBytes = Math.max(0, m.swaptotal);
      const swapUsedBytes = Math.min(swapTotalBytes, Math.max(0, m.swapused));
      return {
        totalBytes,
        usedBytes,
        availableBytes,
        usedPct: pct(usedBytes, totalBytes),
        swapTotalBytes,
        swapUsedBytes,
        swapUsedPct: pct(swapUsedBytes, swapTotalBytes),
      };
    },
  };
}
