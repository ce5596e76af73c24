import type { ProcessesSample, ProcessInfo } from '@vigie/shared';
import type { Collector } from './collector.js';
import type { Clock, Log, ReadDir, ReadText } from './deps.js';
import { parsePasswd, parsePidStat, parsePidStatus } from './linux/pid.js';
import { parseProcStat, parseUptime } from './linux/proc-stat.js';
import { createLogOnce } from './util/log-once.js';
import { round } from './util/numbers.js';

/** Processes kept in each top list. */
export const TOP_PROCESSES = 10;
// USER_HZ: the unit of /proc/[pid]/stat times. 100 on every mainstream architecture, and Node
// cannot call sysconf(_SC_CLK_TCK) without spawning getconf.
const USER_HZ = 100;
// /proc/[pid] is read synchronously (proc-reader): the loop is handed back between slices of this
// many processes (~1 ms each), so a host with thousands of processes never holds it for long.
const BATCH = 64;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

interface PidReading {
  readonly info: Omit<ProcessInfo, 'cpuPct'>;
  readonly key: string;
  readonly cpuTicks: number;
  readonly startTicks: number;
}

/**
 * Process counts every cycle (a readdir of /proc and /proc/stat); top processes by CPU and
 * memory on slow cycles from /proc/[pid]/stat and status. CPU % is per core (like top) over
 * the time since the previous slow cycle; on the first slow cycle, and for a process born
 * since, it is the average over the process's lifetime.
 */
export function createLinuxProcessesCollector(deps: {
  readFile: ReadText;
  readdir: ReadDir;
  clock: Clock;
  log: Log;
}): Collector<'processes'> {
  const logOnce = createLogOnce(deps.log);
  let previous: { at: number; ticks: Map<string, number> } | undefined;

  async function readPid(pid: number, users: ReadonlyMap<number, string>): Promise<PidReading | undefined> {
    try {
      const [statText, statusText] = await Promise.all([
        deps.readFile(`/proc/${pid}/stat`),
        deps.readFile(`/proc/${pid}/status`),
      ]);
      const stat = parsePidStat(statText);
      if (!stat) return undefined;
      const status = parsePidStatus(statusText);
      const user = status.uid === undefined ? undefined : (users.get(status.uid) ?? String(status.uid));
      return {
        info: { pid, name: stat.comm, ...(user !== undefined && { user }), memBytes: status.rssBytes },
        key: `${pid}:${stat.startTicks}`,
        cpuTicks: stat.cpuTicks,
        startTicks: stat.startTicks,
      };
    } catch {
      // The process exited between readdir and read: not an error.
      return undefined;
    }
  }

  async function tops(pids: readonly number[]): Promise<Pick<ProcessesSample, 'topByCpu' | 'topByMemory'>> {
    const [passwd, uptimeText] = await Promise.all([
      deps.readFile('/etc/passwd').catch(() => ''),
      deps.readFile('/proc/uptime').catch(() => ''),
    ]);
    const users = parsePasswd(passwd);
    const uptimeSec = parseUptime(uptimeText) ?? 0;
    const readings: PidReading[] = [];
    for (let i = 0; i < pids.length; i += BATCH) {
      if (i > 0) await yieldToLoop();
      const batch = await Promise.all(pids.slice(i, i + BATCH).map((pid) => readPid(pid, users)));
      for (const r of batch) if (r) readings.push(r);
    }
    const at = deps.clock();
    const before = previous;
    previous = { at, ticks: new Map(readings.map((r) => [r.key, r.cpuTicks])) };
    const elapsedSec = before ? (at - before.at) / 1000 : 0;
    const withCpu: ProcessInfo[] = readings.map((r) => {
      const was = before?.ticks.get(r.key);
      const cpuSec = (r.cpuTicks - (was ?? 0)) / USER_HZ;
      const overSec = was !== undefined && elapsedSec > 0 ? elapsedSec : uptimeSec - r.startTicks / USER_HZ;
      return { ...r.info, cpuPct: overSec > 0 ? round(Math.max(0, (cpuSec / overSec) * 100), 1) : 0 };
    });
    return {
      topByCpu: [...withCpu].sort((a, b) => b.cpuPct - a.cpuPct).slice(0, TOP_PROCESSES),
      topByMemory: [...withCpu].sort((a, b) => b.memBytes - a.memBytes).slice(0, TOP_PROCESSES),
    };
  }

  return {
    section: 'processes',
    async collect(request) {
      const [entries, statText] = await Promise.all([deps.readdir('/proc'), deps.readFile('/proc/stat')]);
      const pids = entries.filter((e) => /^\d+$/.test(e)).map(Number);
      const stat = parseProcStat(statText);
      const sample: ProcessesSample = {
        total: pids.length,
        running: stat.procsRunning ?? 0,
        ...(stat.procsBlocked !== undefined && { blocked: stat.procsBlocked }),
      };
      if (!request.slow) return sample;
      try {
        return { ...sample, ...(await tops(pids)) };
      } catch (err) {
        logOnce('tops', 'top processes unavailable', { err: String(err) });
        return sample;
      }
    },
  };
}
