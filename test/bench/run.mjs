#!/usr/bin/env node
// `npm run bench`: measures, side by side in one run on this machine, what Vigie promises to be
// cheap — raw SQLite insert speed (the baseline), hub ingest under a simulated fleet (CPU, p99
// send→commit latency, memory per connected agent) and the real agent's own footprint.
// Hub and load generator are pinned to different cores when `taskset` exists.
// Results: bench/results/<timestamp>.json and a table on stdout (also bench/results/latest.md).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuSecondsOf, rssBytesOf, sleep, startCli, waitForLine } from './proc.mjs';
import { rawInsertBaseline } from './raw-sqlite.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HUB = join(root, 'hub', 'bin', 'vigie-hub.js');
const AGENT = join(root, 'agent', 'bin', 'vigie-agent.js');
const SIM = join(root, 'test', 'sim', 'dist', 'main.js');

const HELP = `npm run bench [-- options]

Options:
  --agents N          simulated agents for the ingest run            (default 2000)
  --interval S        seconds between two reports of one agent       (default 10)
  --ingest-seconds S  length of the ingest run, ramp included        (default 90)
  --agent-seconds S   how long the real agent is measured            (default 600; issue 6 asks >= 10 min)
  --quick             --agents 300 --ingest-seconds 40 --agent-seconds 60
  -h, --help          this text

Writes bench/results/<timestamp>.json and bench/results/latest.md.`;

const { values } = parseArgs({
  options: {
    agents: { type: 'string' },
    interval: { type: 'string' },
    'ingest-seconds': { type: 'string' },
    'agent-seconds': { type: 'string' },
    quick: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const quick = values.quick === true;
const opts = {
  agents: Number(values.agents ?? (quick ? 300 : 2000)),
  interval: Number(values.interval ?? 10),
  ingestSeconds: Number(values['ingest-seconds'] ?? (quick ? 40 : 90)),
  agentSeconds: Number(values['agent-seconds'] ?? (quick ? 60 : 600)),
};
for (const [key, value] of Object.entries(opts)) {
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`bench: --${key} must be a positive number\n`);
    process.exit(2);
  }
}

/** `vigie-hub start` on a free loopback port with its own database, quiet logs. */
const hubArgs = (dbFile) => [
  'start',
  '--host',
  '127.0.0.1',
  '--port',
  '0',
  '--db',
  dbFile,
  '--log-level',
  'warn',
];
const pin = (core) =>
  existsSync('/usr/bin/taskset') && cpus().length > 1 ? ['taskset', '-c', String(core)] : [];
const log = (line) => process.stderr.write(`[bench] ${line}\n`);
const work = mkdtempSync(join(tmpdir(), 'vigie-bench-'));
const children = [];
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

// 1. Baseline: raw batched better-sqlite3 inserts of rows shaped like the hub's samples.
log('raw SQLite baseline…');
const raw = rawInsertBaseline(join(work, 'raw.db'), { seconds: 5 });
log(`raw inserts: ${Math.round(raw.rowsPerSec)} rows/s`);

// 2. Hub ingest under the simulator.
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
const hub = startCli(pin(0), HUB, hubArgs(db));
children.push(hub.child);
const url = (await waitForLine(hub, /listening (\S+)/, 20_000))[1];
await sleep(2000);
const hubRssIdle = rssBytesOf(hub.child.pid);
log(
  `hub at ${url}, idle RSS ${(hubRssIdle / 2 ** 20).toFixed(1)} MiB; ${opts.agents} agents every ${opts.interval} s…`,
);

const simJson = join(work, 'sim.json');
const ramp = Math.max(5, Math.ceil(opts.agents / 200));
const sim = startCli(pin(1), SIM, [
  '--hub',
  url,
  '--token',
  token,
  '--agents',
  String(opts.agents),
  '--interval',
  String(opts.interval),
  '--duration',
  `${opts.ingestSeconds}s`,
  '--ramp',
  `${ramp}s`,
  '--progress',
  '10',
  '--credentials',
  join(work, 'sim-credentials.json'),
  '--json',
  simJson,
]);
children.push(sim.child);
sim.child.stdout.on('data', (chunk) => process.stderr.write(chunk));
// Steady state: after enrolment and ramp, measure hub CPU over a fixed window.
await waitForLine(sim, /connected/i, 120_000);
await sleep((ramp + opts.interval) * 1000);
const windowSec = Math.max(10, opts.ingestSeconds - ramp - opts.interval - 10);
const cpu0 = cpuSecondsOf(hub.child.pid);
const t0 = performance.now();
await sleep(windowSec * 1000);
const hubCpuPct = ((cpuSecondsOf(hub.child.pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
const hubRssLoaded = rssBytesOf(hub.child.pid);
await sim.exited;
const summary = JSON.parse(readFileSync(simJson, 'utf8'));
hub.child.kill('SIGTERM');
await hub.exited;
const reportsPerSec = summary.messages.ackedPerSec;
const ingest = {
  agents: opts.agents,
  intervalSec: opts.interval,
  reportsPerSec,
  hubCpuPctOfOneCore: hubCpuPct,
  hubCpuMsPerReport: reportsPerSec > 0 ? (hubCpuPct * 10) / reportsPerSec : null,
  projectedCpuPctAt10kAgents: reportsPerSec > 0 ? (hubCpuPct * 1000) / reportsPerSec : null,
  latencyMs: summary.latencyMs,
  ceilingRatioToRaw: null,
  hubRssIdleMiB: hubRssIdle / 2 ** 20,
  hubRssLoadedMiB: hubRssLoaded / 2 ** 20,
  hubMemoryPerAgentKiB: (hubRssLoaded - hubRssIdle) / 1024 / opts.agents,
  unackedAtClose: summary.messages.unackedAtClose,
  closeCodes: summary.errors.closeCodes,
  simEventLoopDelayMs: summary.simEventLoopDelayMs,
};

// 3. The real agent on this machine, at the stock 10 s interval.
log(`real agent for ${opts.agentSeconds} s…`);
const db2 = join(work, 'hub2.db');
const hub2 = startCli(pin(0), HUB, hubArgs(db2));
children.push(hub2.child);
const url2 = (await waitForLine(hub2, /listening (\S+)/, 20_000))[1];
const enrolToken = execFileSync(process.execPath, [HUB, 'token', 'create', '--db', db2, '--quiet'], {
  encoding: 'utf8',
}).trim();
const state = join(work, 'agent');
execFileSync(process.execPath, [AGENT, 'enroll', '--hub', url2, '--token', enrolToken, '--state-dir', state]);
const agent = startCli(pin(1), AGENT, ['run', '--state-dir', state, '--log-level', 'warn']);
children.push(agent.child);
await sleep(15_000); // start-up and the first inventory are not the steady state
const a0 = cpuSecondsOf(agent.child.pid);
const at0 = performance.now();
let rssMax = 0;
for (let elapsed = 0; elapsed < opts.agentSeconds; elapsed += 5) {
  await sleep(5000);
  rssMax = Math.max(rssMax, rssBytesOf(agent.child.pid));
}
const agentCpuSec = cpuSecondsOf(agent.child.pid) - a0;
const agentWallSec = (performance.now() - at0) / 1000;
const agentRss = rssBytesOf(agent.child.pid);
agent.child.kill('SIGTERM');
hub2.child.kill('SIGTERM');
const agentResult = {
  seconds: agentWallSec,
  cpuPctOfOneCore: (agentCpuSec / agentWallSec) * 100,
  cpuMsPerCycle: (agentCpuSec * 1000) / (agentWallSec / 10),
  rssMiB: agentRss / 2 ** 20,
  rssMaxMiB: rssMax / 2 ** 20,
};

const versions = {
  node: process.version,
  cpus: `${cpus().length}× ${cpus()[0]?.model ?? '?'}`,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  pinned: pin(0).length > 0,
  betterSqlite3: JSON.parse(readFileSync(join(root, 'node_modules/better-sqlite3/package.json'), 'utf8'))
    .version,
  kysely: JSON.parse(readFileSync(join(root, 'node_modules/kysely/package.json'), 'utf8')).version,
  ws: JSON.parse(readFileSync(join(root, 'node_modules/ws/package.json'), 'utf8')).version,
};
const result = { at: new Date().toISOString(), options: opts, versions, raw, ingest, agent: agentResult };

const f = (n, d = 1) => (n === null || n === undefined ? '–' : Number(n).toFixed(d));
const table = `| figure | measured | target |
|---|---|---|
| raw better-sqlite3, 100-row transactions | ${f(raw.rowsPerSec, 0)} rows/s | baseline |
| hub ingest, ${opts.agents} agents / ${opts.interval} s | ${f(reportsPerSec)} reports/s | |
| hub CPU | ${f(hubCpuPct)} % of one core (${f(ingest.hubCpuMsPerReport, 2)} ms/report) | ≤ 15 % at 10 000 agents |
| hub CPU projected to 10 000 agents / 10 s | ${f(ingest.projectedCpuPctAt10kAgents)} % | ≤ 15 % |
| send→commit latency p50 / p99 / max | ${f(summary.latencyMs.p50)} / ${f(summary.latencyMs.p99)} / ${f(summary.latencyMs.max)} ms | p99 ≤ 250 ms |
| hub memory per connected agent | ${f(ingest.hubMemoryPerAgentKiB)} KiB | ≤ 64 KiB |
| hub RSS idle → loaded | ${f(ingest.hubRssIdleMiB)} → ${f(ingest.hubRssLoadedMiB)} MiB | |
| agent CPU at 10 s interval | ${f(agentResult.cpuPctOfOneCore, 2)} % of one core (${f(agentResult.cpuMsPerCycle)} ms/cycle) | |
| agent RSS (max) | ${f(agentResult.rssMiB)} (${f(agentResult.rssMaxMiB)}) MiB | node_exporter 17–21 MiB |
`;
const dir = join(root, 'bench', 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `${result.at.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(dir, 'latest.md'), `# Benchmark ${result.at}\n\n${JSON.stringify(versions)}\n\n${table}`);
process.stdout.write(`\n${table}`);
process.exit(0);
