#!/usr/bin/env node
// One load step, alone: a fresh hub pinned to core 0, the simulator (test/sim, built) on core 1 at
// a given rate, and over one window the rates both sides saw, p99 send→commit, each process's CPU
// (per report: the load generator's own cost) and the time each waited for its core (schedstat).
//   node test/bench/sim-rate.mjs --agents 1000 --rate 16000 [--seconds 10] [--sim-args "--checks-every 10s"]
// Prints one JSON line. The simulator runs as the bench runs it (test/bench/sim.mjs: --zero-mask).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hubNodeOptions } from '@vigie/hub/young-generation';
import { cpuSecondsOf, runDelaySecondsOf, sleep, startCli, waitForLine } from './proc.mjs';
import { simWindow, startSim } from './sim.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '8000' },
    seconds: { type: 'string', default: '10' },
    'sim-args': { type: 'string', default: '--checks-every 10s' },
  },
});
const agents = Number(values.agents);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const work = mkdtempSync(join(tmpdir(), 'vigie-sim-rate-'));
const children = [];
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});
const pinned = cpus().length > 1 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const ctx = {
  hubBin: join(root, 'hub', 'bin', 'vigie-hub.js'),
  simBin: join(root, 'test', 'sim', 'dist', 'main.js'),
  work,
  children,
  log: (line) => process.stderr.write(`${line}\n`),
  pin: (core) => (pinned ? ['taskset', '-c', String(core)] : []),
};
const db = join(work, 'hub.db');
const token = spawnSync(
  process.execPath,
  [ctx.hubBin, 'user', 'create', 'b', '--role', 'admin', '--db', db, '--quiet'],
  {
    encoding: 'utf8',
  },
).stdout.trim();
const hub = startCli(
  ctx.pin(0),
  ctx.hubBin,
  ['start', '--host', '127.0.0.1', '--port', '0', '--db', db, '--log-level', 'warn'],
  // NODE_OPTIONS as where the hub is deployed (docs/decisions/0038): one process, so the pid whose
  // CPU is read is the hub's, not the parent a bare start would leave in front of it.
  { env: { VIGIE_HUB_MAX_HANDSHAKES_PER_ADDRESS: '10000', NODE_OPTIONS: hubNodeOptions() } },
);
children.push(hub.child);
const url = (await waitForLine(hub, /listening (\S+)/, 20_000))[1];
const intervalMs = Math.max(10, Math.round((agents * 1000) / rate));
const rampSec = 3;
const { sim, done } = startSim(ctx, {
  url,
  token,
  agents,
  intervalMs,
  durationSec: rampSec + 2 + Math.ceil(intervalMs / 1000) + 4 + seconds,
  rampSec,
  name: 'rate',
  // The simulator's own ceiling, as the ceiling phase runs it (templates, no changes).
  sampleDelta: false,
  // Connect the fleet first, then load (as the ceiling phase does).
  extra: ['--reports-after', `${rampSec + 2}s`, ...values['sim-args'].split(' ').filter(Boolean)],
});
await waitForLine(sim, /enrolled \d+ agents|\d+ agents from/, 120_000);
await sleep((rampSec + 2) * 1000 + intervalMs + 1000);
const window = simWindow(sim);
const loadBefore = loadavg()[0];
await window.start();
const read = () => ({
  sim: cpuSecondsOf(sim.child.pid),
  hub: cpuSecondsOf(hub.child.pid),
  simWait: runDelaySecondsOf(sim.child.pid),
  hubWait: runDelaySecondsOf(hub.child.pid),
  t: performance.now(),
});
const a = read();
await sleep(seconds * 1000);
const b = read();
const measured = await window.end();
const summary = await done;
const dt = (b.t - a.t) / 1000;
const pct = (key) => Math.round(((b[key] - a[key]) / dt) * 1000) / 10;
process.stdout.write(
  `${JSON.stringify({
    agents,
    askedPerSec: rate,
    intervalMs,
    welcomed: measured.connected,
    sentPerSec: Math.round(measured.sentPerSec),
    ackedPerSec: Math.round(measured.ackedPerSec),
    p99Ms: Math.round(measured.latencyMs.p99),
    simCpuPct: pct('sim'),
    simCpuUsPerReport: Math.round(((b.sim - a.sim) / (measured.sentPerSec * dt)) * 1e7) / 10,
    simWaitPct: pct('simWait'),
    hubCpuPct: pct('hub'),
    hubCpuUsPerReport: Math.round(((b.hub - a.hub) / (measured.ackedPerSec * dt)) * 1e7) / 10,
    hubWaitPct: pct('hubWait'),
    simEventLoopDelayP99Ms: summary.simEventLoopDelayMs.p99,
    loadAverage: [loadBefore, loadavg()[0]],
  })}\n`,
);
hub.child.kill('SIGTERM');
await hub.exited;
process.exit(0);
