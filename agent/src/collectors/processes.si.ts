import type { ProcessInfo } from '@vigie/shared';
import type { Collector } from './collector.js';
import { TOP_PROCESSES } from './processes.linux.js';
import type { SiCollect } from './si.js';
import { round, toCount } from './util/numbers.js';

/**
 * Processes from `systeminformation.processes`, on slow cycles only: it runs `ps` (or WMI on
 * Windows, seconds of CPU), too heavy for every fast cycle. So counts come with the tops.
 */
export function createSiProcessesCollector(deps: {
  si: Pick<SiCollect, 'processes'>;
}): Collector<'processes'> {
  return {
    section: 'processes',
    async collect(request) {
      if (!request.slow) return undefined;
      const p = await deps.si.processes();
      const infos: ProcessInfo[] = p.list.map((proc) => ({
        pid: toCount(proc.pid),
        name: proc.name.slice(0, 256),
        ...(proc.user && { user: proc.user.slice(0, 256) }),
        cpuPct: round(Math.max(0, proc.cpu), 1),
        // systeminformation gives RSS in KiB.
        memBytes: Math.max(0, proc.memRss) * 1024,
      }));
      return {
        total: toCount(p.all),
        running: toCount(p.running),
        blocked: toCount(p.blocked),
        topByCpu: [...infos].sort((a, b) => b.cpuPct - a.cpuPct).slice(0, TOP_PROCESSES),
        topByMemory: [...infos].sort((a, b) => b.memBytes - a.memBytes).slice(0, TOP_PROCESSES),
      };
    },
  };
}
