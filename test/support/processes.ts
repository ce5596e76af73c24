import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hubNodeOptions } from '@vigie/hub/young-generation';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HUB_BIN = join(root, 'hub', 'bin', 'vigie-hub.js');
export const AGENT_BIN = join(root, 'agent', 'bin', 'vigie-agent.js');

/** A CLI started as its own process, with its output kept for assertions and failure messages. */
export interface RunningProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the output, rejects at the deadline or exit. */
  waitFor(pattern: RegExp, deadlineMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal name). */
  exited(deadlineMs?: number): Promise<number | string>;
  /** SIGTERM by pid, then SIGKILL if it is still there after a grace period. */
  stop(): Promise<void>;
}

const started = new Set<RunningProcess>();

export function startProcess(bin: string, args: string[], env: NodeJS.ProcessEnv = {}): RunningProcess {
  // The hub as the documented unit runs it: its young generation in NODE_OPTIONS, one process, so
  // the pid a test signals (SIGKILL for a crash) is the hub's (docs/decisions/0038).
  const nodeOptions =
    bin === HUB_BIN ? { NODE_OPTIONS: hubNodeOptions(env.NODE_OPTIONS ?? process.env.NODE_OPTIONS) } : {};
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env, ...nodeOptions },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(code ?? signal ?? 'unknown');
      for (const listener of listeners) listener();
    });
  });

  const running: RunningProcess = {
    child,
    output: () => output,
    waitFor(pattern, deadlineMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`no ${pattern} within ${deadlineMs} ms; output:\n${output}`)),
          deadlineMs,
        );
        const check = () => {
          const match = output.match(pattern);
          if (match) finish(undefined, match);
          else if (child.exitCode !== null || child.signalCode !== null)
            finish(new Error(`exited before ${pattern}; output:\n${output}`));
        };
        const finish = (error?: Error, match?: RegExpMatchArray) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve(match!);
        };
        listeners.add(check);
        check();
      });
    },
    exited(deadlineMs = 30_000) {
      return Promise.race([
        exit,
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(new Error(`still running after ${deadlineMs} ms; output:\n${output}`)),
            deadlineMs,
          ),
        ),
      ]);
    },
    async stop() {
      started.delete(running);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    },
  };
  started.add(running);
  return running;
}

/** Stop every process started by the current test file. */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((p) => p.stop()));
}

/** Run a CLI to completion and return its exit code and output. */
export async function runCli(bin: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const p = startProcess(bin, args, env);
  const code = await p.exited(60_000);
  started.delete(p);
  return { code, output: p.output() };
}

/** Poll `probe` until it returns a value other than undefined, or fail at the deadline. */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  deadlineMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not happen within ${deadlineMs} ms${last ? `: ${String(last)}` : ''}`);
}

/**
 * Check that `probe` keeps passing for `durationMs` (polling), failing as soon as it does not:
 * how a test says "and nothing more happens" without a blind sleep.
 */
export async function holdsFor(probe: () => Promise<void>, durationMs: number, what: string): Promise<void> {
  const deadline = Date.now() + durationMs;
  do {
    try {
      await probe();
    } catch (error) {
      throw new Error(`${what} stopped holding: ${String(error)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  } while (Date.now() < deadline);
}
