import type { Collector } from './collector.js';
import type { ReadText } from './deps.js';
import { parseMeminfo } from './linux/meminfo.js';
import { memorySample } from './util/memory-sample.js';

/** Memory and swap from /proc/meminfo. */
export function createLinuxMemoryCollector(deps: { readFile: ReadText }): Collector<'memory'> {
  return {
    section: 'memory',
    async collect() {
      const info = parseMeminfo(await deps.readFile('/proc/meminfo'));
      const get = (key: string) => info.get(key) ?? 0;
      const totalBytes = get('MemTotal');
      if (!(totalBytes > 0)) throw new Error('/proc/meminfo has no MemTotal');
      // Kernels before 3.14 lack MemAvailable; free + buffers + page cache + reclaimable slab is
      // the same estimate `free` used then.
      const available =
        info.get('MemAvailable') ?? get('MemFree') + get('Buffers') + get('Cached') + get('SReclaimable');
      return memorySample({
        totalBytes,
        availableBytes: available,
        swapTotalBytes: get('SwapTotal'),
        swapUsedBytes: get('SwapTotal') - get('SwapFree'),
      });
    },
  };
}
