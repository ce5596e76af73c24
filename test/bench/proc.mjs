// Process helpers for the benchmark: start a CLI (optionally behind taskset), wait for a line of
// its output, and read a pid's CPU time and RSS from /proc.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SEC = 100; // USER_HZ on mainstream Linux; Node cannot read sysconf without a child

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Start `node bin args…` (or `bin args…` with `raw`), prefixed by `prefix` (e.g. taskset -c 0). */
export function startCli(prefix, bin, args, { raw = false, env, stdin = false } = {}) {
  const command = raw ? [bin, ...args] : [process.execPath, bin, ...args];
  const [cmd, ...rest] = [...prefix, ...command];
  const child = spawn(cmd, rest, {
    stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const proc = { child, output: '', exited: new Promise((resolve) => child.once('exit', resolve)) };
  child.stdout.on('data', (chunk) => {
    proc.output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    proc.output += chunk;
  });
  return proc;
}

/** Resolve with the first match of `pattern` in the process output, or fail at the deadline. */
export async function waitForLine(proc, pattern, deadlineMs) {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const match = proc.output.match(pattern);
    if (match) return match;
    if (proc.child.exitCode !== null) throw new Error(`exited before ${pattern}:\n${proc.output}`);
    await sleep(100);
  }
  throw new Error(`no ${pattern} within ${deadlineMs} ms:\n${proc.output}`);
}

/**
 * User + system CPU seconds of a pid (taskset execs node, so the pid is node's); with `children`,
 * plus those of the child processes it has waited for.
 */
export function cpuSecondsOf(pid, { children = false } = {}) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = Number(fields[11]) + Number(fields[12]);
  return (children ? own + Number(fields[13]) + Number(fields[14]) : own) / TICKS_PER_SEC;
}

/** CPU seconds the pid's waited-for children used (0 means no child ran, or none finished). */
export function childCpuSecondsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SEC;
}

/** Resident set size of a pid in bytes. */
export function rssBytesOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return Number(kib ?? 0) * 1024;
}

/** The pids of a process's live descendants (children of every thread, recursively). */
export function descendantsOf(pid) {
  const out = [];
  const visit = (parent) => {
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      return; // gone meanwhile
    }
    for (const tid of tasks) {
      let children = '';
      try {
        children = readFileSync(`/proc/${parent}/task/${tid}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of children.split(' ').filter(Boolean).map(Number)) {
        out.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return out;
}

const orZero = (read) => {
  try {
    return read();
  } catch {
    return 0; // the process ended between the listing and the read
  }
};

/**
 * CPU seconds of a process and everything it started: its own, its reaped children's (cutime,
 * cstime) and its live descendants' (each with their own reaped children). The difference of two
 * readings is the tree's CPU between them, also for a child running at the first and reaped before
 * the second (its part before the first reading is in both).
 */
export function treeCpuSecondsOf(pid) {
  return (
    cpuSecondsOf(pid, { children: true }) +
    descendantsOf(pid).reduce((sum, child) => sum + orZero(() => cpuSecondsOf(child, { children: true })), 0)
  );
}

/** Resident bytes of a process and its live descendants (an inventory probe running, say). */
export function treeRssBytesOf(pid) {
  return (
    rssBytesOf(pid) + descendantsOf(pid).reduce((sum, child) => sum + orZero(() => rssBytesOf(child)), 0)
  );
}

/**
 * Seconds a pid (its main thread) spent runnable but waiting for a core (`/proc/<pid>/schedstat`,
 * run_delay): on a shared machine, the time other processes took from it. 0 where schedstat is absent.
 */
export function runDelaySecondsOf(pid) {
  return orZero(() => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9);
}
