import type { StatsFs } from 'node:fs';

// Dependency shapes the collectors take as parameters, so tests hand them recorded inputs and
// the sampler hands them the real file calls (runtime/fs-async.ts), `child_process` and `systeminformation`.

/** Structured log line, same shape as the agent's logger. */
export type Log = (msg: string, fields?: Record<string, unknown>) => void;
/** Reads a whole text file (utf8). */
export type ReadText = (path: string) => Promise<string>;
/** Lists entry names of a directory. */
export type ReadDir = (path: string) => Promise<string[]>;
/** `statfs(2)` numbers of the filesystem holding a path. */
export type Statfs = (
  path: string,
) => Promise<Pick<StatsFs, 'bsize' | 'blocks' | 'bfree' | 'bavail' | 'files' | 'ffree'>>;
/** Runs a program without a shell and resolves with its stdout (rejects on non-zero exit). */
export type ExecFile = (file: string, args: readonly string[]) => Promise<{ stdout: string }>;
/** Wall clock in epoch milliseconds. */
export type Clock = () => number;

/** What every Linux collector reading /proc or /sys needs. */
export interface LinuxFsDeps {
  readFile: ReadText;
  readdir: ReadDir;
  clock: Clock;
  log: Log;
}
