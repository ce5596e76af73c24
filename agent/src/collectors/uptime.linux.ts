import type { Collector } from './collector.js';
import type { ReadText } from './deps.js';
import { parseProcStat, parseUptime } from './linux/proc-stat.js';

/** Boot time from /proc/stat `btime` (stable, so the hub can spot a reboot) and /proc/uptime. */
export function createLinuxUptimeCollector(deps: { readFile: ReadText }): Collector<'uptime'> {
  return {
    section: 'uptime',
    async collect() {
      const [statText, uptimeText] = await Promise.all([
        deps.readFile('/proc/stat'),
        deps.readFile('/proc/uptime'),
      ]);
      const btime = parseProcStat(statText).btime;
      const uptimeSec = parseUptime(uptimeText);
      if (btime === undefined || uptimeSec === undefined) throw new Error('no btime or uptime in /proc');
      return { bootTime: btime * 1000, uptimeSec: Math.round(uptimeSec) };
    },
  };
}
