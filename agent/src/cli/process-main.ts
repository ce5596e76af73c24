// First, before any schema is built (see zod-jitless.ts).
import './zod-jitless.js';
import { homedir } from 'node:os';
import { INVENTORY_PROBE_ARG, runInventoryProbe } from '../inventory/index.js';
import { createLogger } from '../logger.js';
import { readFile } from '../runtime/fs-async.js';
import { cli } from './cli.js';
import type { CliIo } from './context.js';
import type { ExitCode } from './exit-codes.js';
import { SYSTEM_WIRING } from './wiring.js';

// The real process around `cli`, apart from main.ts so the single-executable build (CommonJS,
// no top-level await) can start it too.

/** Streams, environment and signals of this process. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    isRoot: process.getuid?.() === 0,
    homeDir: homedir(),
    readConfigFile: async (path) => {
      try {
        return await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    clock: Date.now,
    random: Math.random,
    onStopSignal(handler) {
      let signalled = false;
      const onSignal = (signal: NodeJS.Signals) => {
        // A second signal means the clean stop hangs: leave now.
        if (signalled) process.exit(signal === 'SIGINT' ? 130 : 143);
        signalled = true;
        handler();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      return () => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      };
    },
    logger: (level) => createLogger(level),
  };
}

/** Runs vigie-agent with this process's arguments and returns the exit code. */
export function runProcess(): Promise<ExitCode> {
  // The agent started as its own inventory probe (see inventory/probe.ts): not a user command.
  if (process.argv[2] === INVENTORY_PROBE_ARG) return runInventoryProbe();
  return cli(process.argv.slice(2), { io: processIo(), wiring: SYSTEM_WIRING });
}
