import type { Collector } from './collector.js';
import type { SiCollect } from './si.js';
import { memorySample } from './util/memory-sample.js';

/** Memory and swap from `systeminformation.mem`; "used" excludes reclaimable cache. */
export function createSiMemoryCollector(deps: { si: Pick<SiCollect, 'mem'> }): Collector<'memory'> {
  return {
    section: 'memory',
    async collect() {
      const m = await deps.si.mem();
      return memorySample({
        totalBytes: m.total,
        availableBytes: m.available,
        swapTotalBytes: m.swaptotal,
        swapUsedBytes: m.swapused,
      });
    },
  };
}
