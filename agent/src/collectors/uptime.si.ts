import type { Collector } from './collector.js';
import type { SiCollect } from './si.js';
import { round } from './util/numbers.js';

/** Boot time and uptime from `systeminformation.time`. */
export function createSiUptimeCollector(deps: { si: Pick<SiCollect, 'time'> }): Collector<'uptime'> {
  return {
    section: 'uptime',
    async collect() {
      const t = deps.si.time();
      // Rounded to the second so jitter between `current` and `uptime` does not look like a reboot.
      const bootTime = Math.max(0, Math.round((t.current - t.uptime * 1000) / 1000) * 1000);
      return { bootTime, uptimeSec: round(Math.max(0, t.uptime)) };
    },
  };
}
