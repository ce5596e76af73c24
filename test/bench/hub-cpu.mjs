#!/usr/bin/env node
// Hub CPU over sockets, at rest and under a steady report rate: one hub pinned to core 0 (its own
// database), the simulator on core 1, hub CPU time read from /proc over fixed windows. Prints one
// JSON line per window: what ran, CPU ms per second, per report when reports flow, the load average.
// Usage: node test/bench/hub-cpu.mjs [--agents 500] [--interval 1] [--seconds 10] [--heartbeat 10]
//        [--hub-bin FILE] (another build's bin, for a before/after pair) [--profile DIR]
//        [--hub-node-options STR] (the hub's NODE_OPTIONS, e.g. --max-semi-space-size=16; default:
//        yours; the hub's young generation is put first, as where it is deployed, so yours wins)
//        [--idle-agents] (agents report once an hour: only the heartbeat runs)
//        [--whole-samples] (statics-on-change frames from templates, as the ceiling phase) [--help]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hubNodeOptions } from '@vigie/hub/young-generation';
import { cpuSecondsOf, rssBytesOf, sleep, startCli, waitForLine } from './proc.mjs';
import { simWindow, startSim } from './sim.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: {
    agents: { type: 'string' },
    interval: { type: 'string' },
    seconds: { type: 'string' },
    heartbeat: { type: 'string' },
    'hub-bin': { type: 'string' },
    'hub-node-options': { type: 'string' },
    profile: { type: 'string' },
    'idle-agents': { type: 'boolean' },
    'whole-samples': { type: 'boolean' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  // The usage is the header comment of this file.
  const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8')
    .split('\n')
    .slice(1);
  const header = lines.slice(
    0,
    lines.findIndex((line) => !line.startsWith('//')),
  );
  process.stdout.write(`${header.map((line) => line.replace(/^\/\/ ?/, '')).join('\n')}\n`);
  process.exit(0);
}
const AGENTS = Number(values.agents ?? 500);
const INTERVAL_SEC = values['idle-agents'] ? 3600 : Number(values.interval ?? 1);
const SECONDS = Number(values.seconds ?? 10);
const HUB = values['hub-bin'] ?? join(root, 'hub', 'bin', 'vigie-hub.js');
const hasTaskset = existsSync('/usr/bin/taskset') && cpus().length > 1;
const work = mkdtempSync(join(tmpdir(), 'vigie-hub-cpu-'));
const children = [];
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});
const ctx = {
  simBin: join(root, 'test', 'sim', 'dist', 'main.js'),
  work,
  children,
  log: (line) => process.stderr.write(`${line}\n`),
  pin: (core) => (hasTaskset ? ['taskset', '-c', String(core)] : []),
};

const db = join(work, 'hub.db');
const admin = spawnSync(
  process.execPath,
  [HUB, 'user', 'create', 'bench', '--role', 'admin', '--db', db, '--quiet'],
  {
    encoding: 'utf8',
  },
);
if (admin.status !== 0) throw new Error(`user create failed: ${admin.stderr}`);
const token = admin.stdout.trim();
const hubArgs = ['start', '--host', '127.0.0.1', '--port', '0', '--db', db, '--log-level', 'warn'];
if (values.heartbeat) hubArgs.push('--heartbeat-interval', values.heartbeat);
const nodeArgs = values.profile ? [`--cpu-prof`, `--cpu-prof-dir=${values.profile}`] : [];
const [cmd, ...cmdArgs] = [...ctx.pin(0), process.execPath, ...nodeArgs, HUB, ...hubArgs];
// NODE_OPTIONS as the documented unit sets them (docs/deployment.md): one process, whose pid is the hub.
const NODE_OPTIONS = hubNodeOptions(values['hub-node-options'] ?? process.env.NODE_OPTIONS);
const hub = startCli([], cmd, cmdArgs, {
  raw: true,
  env: { VIGIE_HUB_MAX_HANDSHAKES_PER_ADDRESS: '10000', NODE_OPTIONS },
});
children.push(hub.child);
const url = (await waitForLine(hub, /listening (\S+)/, 120_000))[1];
const pid = hub.child.pid;

const report = (what, cpuMs, extra = {}) =>
  console.log(
    JSON.stringify({
      what,
      hub: HUB,
      nodeOptions: NODE_OPTIONS,
      cpuMsPerSec: +(cpuMs / SECONDS).toFixed(2),
      rssMiB: +(rssBytesOf(pid) / 2 ** 20).toFixed(1),
      load: loadavg().map((l) => +l.toFixed(2)),
      ...extra,
    }),
  );
const cpuOver = async (seconds) => {
  const before = cpuSecondsOf(pid);
  await sleep(seconds * 1000);
  return (cpuSecondsOf(pid) - before) * 1000;
};

await sleep(5000);
report('idle, 0 agents', await cpuOver(SECONDS));
const started = startSim(ctx, {
  url,
  token,
  agents: AGENTS,
  intervalMs: INTERVAL_SEC * 1000,
  durationSec: 3600,
  rampSec: Math.ceil(AGENTS / 200),
  name: 'cpu',
  // Real agents send changes; --whole-samples sends statics-on-change frames, as the ceiling does.
  sampleDelta: !values['whole-samples'],
});
await waitForLine(started.sim, /\[[\s\dm.]+s\] connected (\d+)\/\1 /, 600_000);
await sleep(Math.min(INTERVAL_SEC, 15) * 1000 + 3000);
const window = simWindow(started.sim);
await window.start();
const cpuMs = await cpuOver(SECONDS);
const seen = await window.end();
const rate = values['idle-agents'] ? 0 : seen.ackedPerSec;
report(`${AGENTS} agents every ${INTERVAL_SEC} s`, cpuMs, {
  reportsPerSec: rate,
  msPerReport: rate > 0 ? +(cpuMs / SECONDS / rate).toFixed(3) : undefined,
  latencyMs: seen.latencyMs,
});
started.sim.child.stdin.write('quit\n');
await started.done.catch(() => {});
hub.child.kill('SIGTERM');
await hub.exited;
