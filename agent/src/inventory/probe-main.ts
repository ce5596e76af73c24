import { createRequire } from 'node:module';
import { collectAntivirus } from './antivirus/collect.js';
import { toInventoryChunks } from './chunks.js';
import { hashInventory } from './hash.js';
import { SYSTEM_INVENTORY_IO } from './io.js';
import {
  collectThroughProbe,
  INVENTORY_PROBE_ARG,
  type ProbeCommand,
  ProbeError,
  type ProbeResult,
  writeProbeOutput,
} from './probe.js';
import { collectInventory } from './snapshot.js';
import { collectSoftware } from './software/collect.js';
import { collectUpdates } from './updates/collect.js';

/** This machine's inventory, hashed and chunked, collected in the current process. */
export async function collectLocally(
  log: (msg: string, fields?: Record<string, unknown>) => void,
): Promise<ProbeResult> {
  const platform = process.platform;
  const io = SYSTEM_INVENTORY_IO;
  // Imported here, not at the top: the agent's main process loads this module but only its probe
  // child (or the in-process fallback) collects, and on Linux nothing else needs systeminformation.
  const systeminformation = await import('systeminformation');
  const snapshot = await collectInventory({
    si: systeminformation,
    clock: Date.now,
    log,
    software: () => collectSoftware({ io, platform, log }),
    updates: () => collectUpdates({ io, platform, log }),
    antivirus: () => collectAntivirus({ io, platform, log }),
    timezone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
  });
  const hash = hashInventory(snapshot);
  return { hash, chunks: toInventoryChunks(snapshot, hash) };
}

const writeStdout = (line: string) =>
  new Promise<void>((resolve, reject) =>
    process.stdout.write(line, (error) => (error ? reject(error) : resolve())),
  );

/** The probe process: collects, prints its lines on stdout, and says 0 (or 1 on failure). */
export async function runInventoryProbe(): Promise<0 | 1> {
  // The agent holds this pipe open while it waits; when it ends (the agent stopped or died), the
  // collection has nobody to report to.
  process.stdin.on('end', () => process.exit(1));
  process.stdin.on('error', () => process.exit(1));
  process.stdin.resume();
  const logs: { msg: string; fields?: Record<string, unknown> }[] = [];
  try {
    const result = await collectLocally((msg, fields) => {
      if (logs.length < 100) logs.push(fields === undefined ? { msg } : { msg, fields });
    });
    await writeProbeOutput(result, logs, writeStdout);
    return 0;
  } catch (error) {
    process.stderr.write(`inventory probe failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    process.stdin.removeAllListeners('end');
    process.stdin.destroy();
  }
}

// True in the single executable, where the program is the binary itself, not a script.
function isSingleExecutable(): boolean {
  try {
    const sea = createRequire(import.meta.url)('node:sea') as { isSea?: () => boolean };
    return sea.isSea?.() === true;
  } catch {
    return false;
  }
}

// V8 flags that shape memory, which the probe takes from the agent: the service runs node with
// --lite-mode (install-plan.ts), and without it the probe's peak was 78 MiB instead of 64 MiB
// (measured 7 Dec 2026) at the same CPU. Other flags (--import, --inspect, profilers) stay the agent's.
const PROBE_NODE_FLAG =
  /^--(lite-mode|jitless|max-semi-space-size(=\d+)?|max-old-space-size(=\d+)?|v8-pool-size(=\d+)?)$/;

/** The node flags of `execArgv` the probe child should run with too. */
export function probeNodeFlags(execArgv: readonly string[]): string[] {
  return execArgv.filter((flag) => PROBE_NODE_FLAG.test(flag));
}

/**
 * How this process starts itself as a probe: the single executable with the probe argument, or
 * node with this script (bin, bundle), the agent's memory flags, and the argument.
 */
export function selfProbeCommand(): ProbeCommand {
  if (isSingleExecutable() || process.argv[1] === undefined)
    return { file: process.execPath, args: [INVENTORY_PROBE_ARG] };
  return {
    file: process.execPath,
    args: [...probeNodeFlags(process.execArgv), process.argv[1], INVENTORY_PROBE_ARG],
  };
}

/**
 * This machine's inventory collected by a probe child process, so that systeminformation's
 * synchronous commands and the parsing of a large package list run off the agent's event loop.
 * Collected in process only when the child cannot start or ends without a result.
 */
export async function collectInventoryOffLoop(log: {
  debug: (msg: string, fields?: Record<string, unknown>) => void;
  warn: (msg: string, fields?: Record<string, unknown>) => void;
}): Promise<ProbeResult> {
  try {
    // What a bound left out is worth a warning (`limit` names the bound); the rest is detail.
    const forward = (msg: string, fields?: Record<string, unknown>) =>
      (fields?.limit === undefined ? log.debug : log.warn)(msg, fields);
    return await collectThroughProbe(selfProbeCommand(), { log: forward });
  } catch (error) {
    // A probe that cannot start, or dies, must not cost the inventory: collect in process then
    // (stalling the loop once). One that hangs or floods is not retried in process.
    if (!(error instanceof ProbeError) || (error.reason !== 'spawn' && error.reason !== 'exit')) throw error;
    log.warn('inventory probe failed; collecting in process', { reason: error.reason, error: error.message });
    return collectLocally((msg, fields) => (fields?.limit === undefined ? log.debug : log.warn)(msg, fields));
  }
}
