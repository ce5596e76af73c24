import { int } from '../util/numbers.js';

/** What the top-process view needs from /proc/[pid]/stat. */
export interface PidStat {
  readonly pid: number;
  readonly comm: string;
  /** utime + stime, in clock ticks (USER_HZ). */
  readonly cpuTicks: number;
  /** Start time after boot, in clock ticks; with the pid it identifies a process across pid reuse. */
  readonly startTicks: number;
}

/** Parses /proc/[pid]/stat; `comm` may contain spaces and parentheses, so split after the last ')'. */
export function parsePidStat(text: string): PidStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const pid = int(text.slice(0, open));
  if (open < 0 || close < open || pid === undefined) return undefined;
  // Fields after comm start at field 3 (state); utime is field 14, stime 15, starttime 22.
  const rest = text
    .slice(close + 2)
    .trim()
    .split(' ');
  const utime = int(rest[11]);
  const stime = int(rest[12]);
  const startTicks = int(rest[19]);
  if (utime === undefined || stime === undefined || startTicks === undefined) return undefined;
  return { pid, comm: text.slice(open + 1, close), cpuTicks: utime + stime, startTicks };
}

/** What the top-process view needs from /proc/[pid]/status. */
export interface PidStatus {
  readonly uid: number | undefined;
  /** Resident memory in bytes (0 for kernel threads, which have no VmRSS line). */
  readonly rssBytes: number;
}

/** Parses /proc/[pid]/status (kB there means KiB). */
export function parsePidStatus(text: string): PidStatus {
  const uid = int(/^Uid:\s+(\d+)/m.exec(text)?.[1]);
  const rssKb = int(/^VmRSS:\s+(\d+)\s*kB/m.exec(text)?.[1]) ?? 0;
  return { uid, rssBytes: rssKb * 1024 };
}

/** Parses /etc/passwd into uid → user name. */
export function parsePasswd(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    const [user, , uid] = line.split(':');
    const n = int(uid);
    if (user && n !== undefined && !out.has(n)) out.set(n, user);
  }
  return out;
}
