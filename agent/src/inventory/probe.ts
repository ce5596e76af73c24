import { spawn } from 'node:child_process';
import { LIMITS } from '@vigie/shared';
import type { InventoryChunk } from './chunks.js';
import type { DropLog } from './facts.js';

// An inventory is collected in a child process (the agent itself, started with
// INVENTORY_PROBE_ARG): systeminformation runs several commands synchronously (execSync /
// spawnSync) and parsing 50 000 packages takes a while, both of which would stall the agent's
// metrics, heartbeats and acks for as long. The child writes one JSON object per line; the agent
// parses them one at a time, yielding between lines, so no single step holds its event loop.

/** The hidden argument that makes `vigie-agent` collect an inventory and print it. */
export const INVENTORY_PROBE_ARG = '__inventory-probe';

/** One line of the probe's output. */
export type ProbeLine =
  | { readonly kind: 'log'; readonly msg: string; readonly fields?: Record<string, unknown> }
  | { readonly kind: 'chunk'; readonly chunk: InventoryChunk }
  | { readonly kind: 'done'; readonly hash: string; readonly chunks: number };

/** A collected inventory, hashed and cut into wire chunks. */
export interface ProbeResult {
  readonly hash: string;
  readonly chunks: readonly InventoryChunk[];
}

/** How to start the probe: the agent's own executable and arguments. */
export interface ProbeCommand {
  readonly file: string;
  readonly args: readonly string[];
}

/** Why a probe gave no inventory; `spawn` means it could not even start. */
export class ProbeError extends Error {
  constructor(
    readonly reason: 'spawn' | 'timeout' | 'exit' | 'protocol' | 'too-large',
    message: string,
  ) {
    super(message);
  }
}

// A chunk line is a frame's worth of JSON at most (the chunker keeps under 70 % of a frame).
const MAX_LINE_BYTES = LIMITS.maxFrameBytes * 2;
// 1000 chunks is the wire's bound on one snapshot.
const MAX_OUTPUT_BYTES = MAX_LINE_BYTES * 1000;
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs the probe and reads its lines into a result. Each line is parsed on its own turn of the
 * event loop; the child's logs are passed to `log`. Rejects with a {@link ProbeError}.
 */
export function collectThroughProbe(
  command: ProbeCommand,
  options: { log?: DropLog; timeoutMs?: number } = {},
): Promise<ProbeResult> {
  const log = options.log ?? (() => {});
  return new Promise((resolve, reject) => {
    const child = spawn(command.file, [...command.args], {
      // stdin stays open and silent: the probe stops when it closes (this process went away).
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
      windowsHide: true,
    });
    const chunks: InventoryChunk[] = [];
    const pending: string[] = [];
    let partial = '';
    let received = 0;
    let stderr = '';
    let settled = false;
    let draining = false;
    let exited = false;
    let exitCode: number | null = null;

    const finish = (error: ProbeError | undefined, result?: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!exited) child.kill('SIGKILL');
      if (error) reject(error);
      else if (result) resolve(result);
    };
    const timer = setTimeout(
      () => finish(new ProbeError('timeout', 'inventory probe did not finish in time')),
      options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
    timer.unref();

    const handle = (line: string): boolean => {
      let parsed: ProbeLine;
      try {
        parsed = JSON.parse(line) as ProbeLine;
      } catch {
        finish(new ProbeError('protocol', 'inventory probe wrote a line that is not JSON'));
        return false;
      }
      if (parsed.kind === 'log') log(parsed.msg, parsed.fields);
      else if (parsed.kind === 'chunk') chunks.push(parsed.chunk);
      else if (parsed.kind === 'done') {
        if (
          parsed.chunks !== chunks.length ||
          chunks.some((c, i) => c.chunk !== i || c.hash !== parsed.hash)
        ) {
          finish(new ProbeError('protocol', 'inventory probe output is incomplete'));
        } else finish(undefined, { hash: parsed.hash, chunks });
        return false;
      }
      return true;
    };

    // Lines wait in `pending` and are parsed one per turn, so a 700 kB chunk never shares a
    // turn with another.
    const drain = async () => {
      if (draining) return;
      draining = true;
      while (pending.length > 0 && !settled) {
        await nextTurn();
        const line = pending.shift();
        if (line !== undefined && line !== '' && !handle(line)) break;
      }
      draining = false;
      if (!settled && pending.length === 0 && exited)
        finish(
          new ProbeError(
            'exit',
            `inventory probe ended (code ${exitCode}) without a result${stderr ? `: ${stderr.slice(0, 500)}` : ''}`,
          ),
        );
    };

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (data: string) => {
      received += data.length;
      if (received > MAX_OUTPUT_BYTES) {
        finish(new ProbeError('too-large', 'inventory probe output is larger than a snapshot can be'));
        return;
      }
      const parts = (partial + data).split('\n');
      partial = parts.pop() ?? '';
      if (partial.length > MAX_LINE_BYTES) {
        finish(new ProbeError('too-large', 'inventory probe wrote a line larger than a frame'));
        return;
      }
      pending.push(...parts);
      void drain();
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (data: string) => {
      if (stderr.length < 4096) stderr += data;
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      exited = true;
      finish(new ProbeError('spawn', `cannot start the inventory probe: ${error.message}`));
    });
    child.on('close', (code) => {
      exited = true;
      exitCode = code;
      if (partial !== '') pending.push(partial);
      partial = '';
      void drain();
    });
  });
}

/** Writes a probe's result as lines, waiting for the pipe when it is full. */
export async function writeProbeOutput(
  result: ProbeResult,
  logs: readonly { msg: string; fields?: Record<string, unknown> }[],
  write: (line: string) => Promise<void>,
): Promise<void> {
  for (const entry of logs) await write(`${JSON.stringify({ kind: 'log', ...entry })}\n`);
  for (const chunk of result.chunks) await write(`${JSON.stringify({ kind: 'chunk', chunk })}\n`);
  await write(`${JSON.stringify({ kind: 'done', hash: result.hash, chunks: result.chunks.length })}\n`);
}
