import type { Collector } from './collector.js';
import type { ReadText } from './deps.js';
import { busyJiffies, type CpuTimes, parseLoadavg, parseProcStat, totalJiffies } from './linux/proc-stat.js';
import { pct, round } from './util/numbers.js';

/** CPU usage from /proc/stat jiffies deltas, plus /proc/loadavg; no child process. */
export function createLinuxCpuCollector(deps: { readFile: ReadText }): Collector<'cpu'> {
  let previous: { total: CpuTimes; cores: ReadonlyMap<number, CpuTimes> } | undefined;
  return {
    section: 'cpu',
    async collect() {
      const [statText, loadText] = await Promise.all([
        deps.readFile('/proc/stat'),
        // Load average is a nice-to-have: a missing file must not cost the usage figures.
        deps.readFile('/proc/loadavg').catch(() => ''),
      ]);
      const stat = parseProcStat(statText);
      if (!stat.total) throw new Error('/proc/stat has no cpu line');
      const before = previous;
      previous = { total: stat.total, cores: stat.cores };
      // A usage percentage needs two readings; the first cycle reports nothing.
      if (!before) return undefined;
      const elapsed = totalJiffies(stat.total) - totalJiffies(before.total);
      if (!(elapsed > 0)) return undefined;
      const perCorePct = [...stat.cores]
        .sort(([a], [b]) => a - b)
        .map(([i, now]) => coreUsage(now, before.cores.get(i)));
      const load = parseLoadavg(loadText);
      return {
        usagePct: pct(busyJiffies(stat.total) - busyJiffies(before.total), elapsed),
        perCorePct,
        iowaitPct: pct(stat.total.iowait - before.total.iowait, elapsed),
        ...(load && { load: load.map((v) => round(v)) as [number, number, number] }),
      };
    },
  };
}

function coreUsage(now: CpuTimes, before: CpuTimes | undefined): number {
  // A core that just came online has no previous reading: report it idle for this interval.
  if (!before) return 0;
  return pct(busyJiffies(now) - busyJiffies(before), totalJiffies(now) - totalJiffies(before));
}
