#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hasSemiSpaceSize, YOUNG_GENERATION_FLAG } from './young-generation.js';

// `start` runs with the hub's young generation (docs/decisions/0038). V8 sizes it only when the
// process starts, so a hub started without one on node's command line or in NODE_OPTIONS (the
// documented unit sets it there: one process) runs as a child that has it; this process only
// relays signals and the exit status. A size already given is left alone: that is the override.
if (process.argv[2] === 'start' && !hasSemiSpaceSize(process.execArgv, process.env.NODE_OPTIONS)) {
  const args = [
    YOUNG_GENERATION_FLAG,
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    ...process.argv.slice(2),
  ];
  // Its own process group, so a Ctrl+C at a terminal reaches it once (relayed), not twice; the IPC
  // channel tells it when this process is gone (see below).
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: process.platform !== 'win32',
  });
  const relay = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, relay);
  child.once('error', (error) => {
    process.stderr.write(`vigie-hub: could not start the hub: ${error.message}\n`);
    process.exit(1);
  });
  const orphaned = () => child.kill('SIGTERM'); // this process failed: the hub must not outlive it
  process.once('exit', orphaned);
  child.once('exit', (code, signal) => {
    process.off('exit', orphaned);
    if (signal === null) process.exit(code ?? 1);
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  });
} else {
  if (process.argv[2] === 'start' && process.channel !== undefined) {
    // Started by the branch above: the channel closes when that process ends, even killed.
    process.channel.unref();
    process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  }
  await import('../dist/cli/main.js');
}
