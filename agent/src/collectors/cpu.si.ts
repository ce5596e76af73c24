import type { Collector } from './collector.js';
import type { SiCollect } from './si.js';
import { pct, round } from './util/numbers.js';

/**
 * CPU usage from `systeminformation.currentLoad` (which keeps its own previous reading), and
 * load averages from `loadavg` where the OS has them (Windows returns zeros: omitted).
 */
export function createSiCpuCollector(deps: {
  si: Pick<SiCollect, 'currentLoad'>;
  loadavg?: () => number[];
}): Collector<'cpu'> {
  return {
    section: 'cpu',
    async collect() {
      const load = await deps.si.currentLoad();
      const [a, b, c] = deps.loadavg?.() ?? [];
      return {
        usagePct: pct(load.currentLoad, 100),
        perCorePct: load.cpus.map((core) => pct(core.load, 100)),
        ...(a !== undefined &&
          b !== undefined &&
          c !== undefined && {
            load: [round(a), round(b), round(c)].map((v) => Math.max(0, v)) as [number, number, number],
          }),
      };
    },
  };
}
