// Process helpers for the benchmark: start a CLI (optionally behind taskset), wait for a line of
// its output, and read a pid's CPU time and RSS from /proc.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SEC = 100; // USER_HZ on mainstream Linux; Node cannot read sysconf without a child

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Start `node bin args…`, prefixed by `prefix` (e.g. taskset -c 0). */
export function startCli(prefix, bin, args) {
  const [cmd, ...rest] =
    prefix.length > 0 ? [...prefix, process.execPath, bin, ...args] : [process.execPath, bin, ...args];
  const child = spawn(cmd, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
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

/** User + system CPU seconds of a pid (taskset execs node, so the pid is node's). */
export function cpuSecondsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SEC;
}

/** Resident set size of a pid in bytes. */
export function rssBytesOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return Number(kib ?? 0) * 1024;
}
