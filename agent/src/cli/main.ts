import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { createLogger } from '../logger.js';
import { cli } from './cli.js';
import type { CliIo } from './context.js';
import { SYSTEM_WIRING } from './wiring.js';

// Entry point of bin/vigie-agent.js: the real process around `cli`.

const io: CliIo = {
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

process.exitCode = await cli(process.argv.slice(2), { io, wiring: SYSTEM_WIRING });
