import { int } from '../util/numbers.js';

/** Jiffies of one CPU line of /proc/stat (guest time is already inside user and nice). */
export interface CpuTimes {
  readonly user: number;
  readonly nice: number;
  readonly system: number;
  readonly idle: number;
  readonly iowait: number;
  readonly irq: number;
  readonly softirq: number;
  readonly steal: number;
}

/** What the collectors use from /proc/stat. */
export interface ProcStat {
  readonly total: CpuTimes | undefined;
  /** Online cores by index (`cpu3` → key 3); offline cores are absent from the file. */
  readonly cores: ReadonlyMap<number, CpuTimes>;
  /** Boot time, seconds since the epoch. */
  readonly btime: number | undefined;
  /** Runnable and blocked-on-I/O tasks right now (threads, as vmstat's r and b). */
  readonly procsRunning: number | undefined;
  readonly procsBlocked: number | undefined;
}

function cpuTimes(fields: string[]): CpuTimes {
  const n = (i: number) => int(fields[i]) ?? 0;
  return {
    user: n(1),
    nice: n(2),
    system: n(3),
    idle: n(4),
    iowait: n(5),
    irq: n(6),
    softirq: n(7),
    steal: n(8),
  };
}

/** Parses /proc/stat. */
export function parseProcStat(text: string): ProcStat {
  let total: CpuTimes | undefined;
  const cores = new Map<number, CpuTimes>();
  let btime: number | undefined;
  let procsRunning: number | undefined;
  let procsBlocked: number | undefined;
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const key = fields[0] ?? '';
    if (key === 'cpu') total = cpuTimes(fields);
    else if (key.startsWith('cpu')) {
      const index = int(key.slice(3));
      if (index !== undefined) cores.set(index, cpuTimes(fields));
    } else if (key === 'btime') btime = int(fields[1]);
    else if (key === 'procs_running') procsRunning = int(fields[1]);
    else if (key === 'procs_blocked') procsBlocked = int(fields[1]);
  }
  return { total, cores, btime, procsRunning, procsBlocked };
}

/** Sum of all jiffies of a CPU line. */
export function totalJiffies(t: CpuTimes): number {
  return t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;
}

/** Jiffies spent doing work: everything but idle and iowait (iowait is idle waiting on a disk). */
export function busyJiffies(t: CpuTimes): number {
  return totalJiffies(t) - t.idle - t.iowait;
}

/** Parses /proc/loadavg into the 1, 5 and 15 minute load averages. */
export function parseLoadavg(text: string): [number, number, number] | undefined {
  const [a, b, c] = text.trim().split(/\s+/).map(Number);
  if (a === undefined || b === undefined || c === undefined) return undefined;
  if (![a, b, c].every((v) => Number.isFinite(v) && v >= 0)) return undefined;
  return [a, b, c];
}

/** Parses /proc/uptime into seconds since boot. */
export function parseUptime(text: string): number | undefined {
  const seconds = Number.parseFloat(text);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}
