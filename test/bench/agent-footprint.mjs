#!/usr/bin/env node
// The agent's footprint alone, in about a minute: the built agent against a real hub at a short
// interval, with its WebSocket traffic passing through a loopback TCP relay that measures every
// metrics message as it travels (wire bytes, whatever the encoding). Prints RSS and CPU per cycle,
// gross (the agent's process and its children, nothing subtracted), and report size. With
// --loop-delay, the event-loop delay (test/bench/loop-delay-preload.mjs, preloaded into the agent:
// its 100 wake-ups a second then count in the CPU figure, which the output says).
//
//   node test/bench/agent-footprint.mjs [--seconds 60] [--interval 2] [--bundle | --agent FILE] [--node-args=...] [--env NAME=VALUE]... [--loop-delay]
//
// Needs `npx turbo run build` first. The machine's load shows in CPU and event-loop figures: compare
// runs made back to back, not against numbers from another day.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startFrameRelay } from './frame-relay.mjs';
import { descendantsOf, sleep, startCli, treeCpuSecondsOf, treeRssBytesOf, waitForLine } from './proc.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    interval: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '10' },
    bundle: { type: 'boolean', default: false },
    agent: { type: 'string' },
    'node-args': { type: 'string', default: '' },
    env: { type: 'string', multiple: true, default: [] },
    json: { type: 'boolean', default: false },
    smaps: { type: 'boolean', default: false },
    'loop-delay': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'usage: node test/bench/agent-footprint.mjs [--seconds 60] [--interval 2] [--warmup 10] [--bundle | --agent FILE] [--node-args=--max-semi-space-size=1] [--env NAME=VALUE]... [--loop-delay] [--json] [--smaps]\n',
  );
  process.exit(0);
}
const seconds = Number(values.seconds);
const intervalSec = Number(values.interval);
const warmupMs = Number(values.warmup) * 1000;
const root = join(import.meta.dirname, '..', '..');
const hubBin = join(root, 'hub', 'bin', 'vigie-hub.js');
const agentBin = values.agent
  ? values.agent
  : values.bundle
    ? join(root, 'agent', 'dist-bundle', 'vigie-agent.cjs')
    : join(root, 'agent', 'bin', 'vigie-agent.js');
const nodeArgs = values['node-args'].split(' ').filter(Boolean);

const work = mkdtempSync(join(tmpdir(), 'vigie-agent-footprint-'));
const children = [];
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

const db = join(work, 'hub.db');
const hub = startCli([], hubBin, [
  'start',
  '--host',
  '127.0.0.1',
  '--port',
  '0',
  '--db',
  db,
  '--log-level',
  'warn',
]);
children.push(hub.child);
const hubUrl = new URL((await waitForLine(hub, /listening (\S+)/, 30_000))[1]);
const token = execFileSync(process.execPath, [hubBin, 'token', 'create', '--db', db, '--quiet'], {
  encoding: 'utf8',
}).trim();
const state = join(work, 'agent');
execFileSync(process.execPath, [
  agentBin,
  'enroll',
  '--hub',
  hubUrl.href,
  '--token',
  token,
  '--state-dir',
  state,
]);

const relay = await startFrameRelay(Number(hubUrl.port));
const loopFile = join(work, 'loop-delay.json');
const withLoopDelay = values['loop-delay'];
const agent = startCli(
  [],
  'env',
  [
    ...(withLoopDelay
      ? [`VIGIE_BENCH_LOOP_DELAY_FILE=${loopFile}`, `VIGIE_BENCH_LOOP_DELAY_WARMUP_MS=${warmupMs}`]
      : []),
    `VIGIE_HUB_URL=http://127.0.0.1:${relay.port}`,
    ...values.env,
    process.execPath,
    ...nodeArgs,
    ...(withLoopDelay ? ['--import', join(import.meta.dirname, 'loop-delay-preload.mjs')] : []),
    agentBin,
    'run',
    '--state-dir',
    state,
    '--metrics-interval',
    String(intervalSec),
    '--log-level',
    'warn',
  ],
  { raw: true },
);
children.push(agent.child);
// The warm-up, then the first inventory (a probe child) to its end: the window is the steady cycle.
const began = performance.now();
while (
  performance.now() - began < warmupMs ||
  (descendantsOf(agent.child.pid).length > 0 && performance.now() - began < 180_000)
)
  await sleep(500);
if (agent.child.exitCode !== null) throw new Error(`agent exited:\n${agent.output}`);
const pid = agent.child.pid;
const cpu0 = treeCpuSecondsOf(pid);
const reports0 = relay.metrics.length;
const t0 = performance.now();
const rss = [];
while (performance.now() - t0 < seconds * 1000) {
  await sleep(1000);
  rss.push(treeRssBytesOf(pid));
}
const wallSec = (performance.now() - t0) / 1000;
const cpuSec = treeCpuSecondsOf(pid) - cpu0;
const status = readFileSync(`/proc/${pid}/status`, 'utf8');
const mappings = residentByMapping(pid);
agent.child.kill('SIGTERM');
await agent.exited;
hub.child.kill('SIGTERM');
await hub.exited;
relay.close();

const sizes = relay.metrics.slice(reports0).map((m) => m.bytes);
const sorted = [...sizes].sort((a, b) => a - b);
const loop = existsSync(loopFile) ? JSON.parse(readFileSync(loopFile, 'utf8')) : null;
const cycles = wallSec / intervalSec;
const mib = (bytes) => bytes / 2 ** 20;
const result = {
  agent: values.agent ?? (values.bundle ? 'bundle' : 'dist'),
  nodeArgs,
  env: values.env,
  seconds: Math.round(wallSec),
  intervalSec,
  loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  rssMiB: {
    last: mib(rss.at(-1)),
    max: mib(Math.max(...rss)),
    median: mib(rss.toSorted((a, b) => a - b)[rss.length >> 1]),
  },
  heapMiB: {
    rssAnon: Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024,
    rssFile: Number(/RssFile:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024,
  },
  /** Gross: the agent and its children; with --loop-delay, the monitor's wake-ups too. */
  cpuMsPerCycle: (cpuSec * 1000) / cycles,
  withLoopDelayMonitor: withLoopDelay,
  cpuPctOfOneCore: (cpuSec / wallSec) * 100,
  eventLoopDelayMs: loop && { p50: loop.p50, p99: loop.p99, max: loop.max },
  reports: sizes.length,
  reportBytes: sizes.length
    ? {
        mean: Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length),
        p50: sorted[sorted.length >> 1],
        max: sorted.at(-1),
      }
    : null,
  sampleReport: relay.lastMetrics,
};
if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  const f = (n, d = 1) => n.toFixed(d);
  process.stdout.write(
    [
      `agent ${result.agent} ${[...values.env, ...nodeArgs].join(' ')} — ${result.seconds} s at ${intervalSec} s, load ${result.loadAverage}`,
      `RSS last/median/max   ${f(result.rssMiB.last)} / ${f(result.rssMiB.median)} / ${f(result.rssMiB.max)} MiB (anon ${f(result.heapMiB.rssAnon)}, file ${f(result.heapMiB.rssFile)})`,
      `CPU per cycle         ${f(result.cpuMsPerCycle)} ms gross (${f(result.cpuPctOfOneCore, 2)} % of one core, children included${withLoopDelay ? ', the delay monitor included' : ''})`,
      withLoopDelay
        ? `event-loop delay      p50 ${f(loop?.p50 ?? Number.NaN)} ms, p99 ${f(loop?.p99 ?? Number.NaN)} ms, max ${f(loop?.max ?? Number.NaN)} ms`
        : 'event-loop delay      not measured (--loop-delay)',
      `metrics message       ${result.reports} sent; mean ${result.reportBytes?.mean} B, p50 ${result.reportBytes?.p50} B, max ${result.reportBytes?.max} B`,
      '',
    ].join('\n'),
  );
  if (values.smaps)
    for (const [name, kib] of mappings.slice(0, 8))
      process.stdout.write(`  ${(kib / 1024).toFixed(1).padStart(6)} MiB  ${name}\n`);
  if (process.env.VIGIE_SHOW_REPORT) process.stdout.write(`${relay.lastMetrics}\n`);
}

/** Resident KiB per mapping (the node binary, the V8 heap, anonymous memory...), largest first. */
function residentByMapping(pid) {
  const totals = new Map();
  let name = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) name = mapping[1] || '[anonymous]';
    else if (line.startsWith('Rss:'))
      totals.set(name, (totals.get(name) ?? 0) + Number(line.split(/\s+/)[1]));
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}
