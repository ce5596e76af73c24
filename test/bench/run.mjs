#!/usr/bin/env node
// `npm run bench`: measures, side by side in one run on this machine, what Vigie promises to be
// cheap (issue 6): raw SQLite insert speed (the baseline) and the storage layouts, hub ingest at
// the nominal rate (CPU, p99 send→commit, memory per agent), the console/API latency on a 10 000-
// host fleet with 30 days of history while that ingest runs, the stress ceiling on one core, fault
// → ticket delays, storage per host, and the real agent's footprint against node_exporter (in
// parallel with the rest). Hub and load generator are pinned to different cores when `taskset`
// exists. Results: bench/results/<timestamp>.json and latest.md (the table, also on stdout).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hubNodeOptions } from '@vigie/hub/young-generation';
import { measureCeiling } from './ceiling.mjs';
import { measureFaults } from './faults.mjs';
import { measureFootprint } from './footprint.mjs';
import { measureHubMemory } from './hub-memory.mjs';
import { measureIngest } from './ingest.mjs';
import { measureRawBaseline } from './raw-sqlite.mjs';
import { formatTable } from './report.mjs';
import { measureHubRestart } from './restart.mjs';
import { storageLayoutBench } from './storage-layout.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const HELP = `npm run bench [-- options]

Options:
  --quick             a small run that checks every phase works (< 3 min; CI runs it)
  --agents N          simulated agents at the nominal rate        (default 10000; quick 300)
  --interval S        seconds between two reports of one agent    (default 10)
  --agent-seconds S   how long the real agent is measured          (default 600; quick 60)
  --ceiling-rates L   the ceiling's steps in reports/s, comma-separated
                      (default 1000,2000,4000,…,24000; quick 400,800)
  --ceiling-warmup S  seconds of each step left out before measuring    (default 5; quick 2)
  --ceiling-windows N measurement windows per step, judged on the median window's p99,
                      the worst one reported too                    (default 5; quick 3)
  --ceiling-window S  seconds per window                              (default 3; quick 2)
  --skip LIST         phases to leave out, comma-separated: layout,ingest,memory,ceiling,faults,restart,footprint
  -h, --help          this text

Writes bench/results/<timestamp>.json and bench/results/latest.md (--quick: under bench/results/quick/,
with --skip: under bench/results/partial/; neither kept in git). Exits 1 if a phase failed; figures are never judged.`;

const { values } = parseArgs({
  options: {
    agents: { type: 'string' },
    interval: { type: 'string' },
    'agent-seconds': { type: 'string' },
    'ceiling-rates': { type: 'string' },
    'ceiling-warmup': { type: 'string' },
    'ceiling-windows': { type: 'string' },
    'ceiling-window': { type: 'string' },
    skip: { type: 'string' },
    quick: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const quick = values.quick === true;
const skip = new Set((values.skip ?? '').split(',').filter(Boolean));
const PLAN = quick
  ? {
      layoutSeconds: 0.5,
      rawSeconds: 2,
      ingest: {
        agents: 300,
        intervalSec: 10,
        fleetHosts: 1000,
        historyHosts: 10,
        historyDays: 30,
        apiSeconds: 3,
        cpuWindowSec: 10,
        tailSec: 3,
      },
      memory: { steps: 3, agentsPerStep: 100, rampSec: 2, settleSec: 3 },
      ceiling: {
        agents: 200,
        rates: [400, 800],
        warmupSeconds: 2,
        windows: 3,
        windowSeconds: 2,
        rawSeconds: 2,
      },
      faults: { perKind: 10, batch: 5, everySec: 2, settleSec: 6 },
      restart: { agents: 300, downSec: 35, idleSec: 5, holdSec: 0, dead: 3 },
      agentSeconds: 50,
    }
  : {
      layoutSeconds: 3,
      rawSeconds: 5,
      ingest: {
        agents: 10_000,
        intervalSec: 10,
        fleetHosts: 10_000,
        historyHosts: 100,
        historyDays: 30,
        apiSeconds: 15,
        cpuWindowSec: 60,
      },
      memory: { steps: 4, agentsPerStep: 500, rampSec: 10, settleSec: 15 },
      ceiling: {
        agents: 1000,
        rates: [1000, 2000, 4000, 6000, 8000, 10_000, 12_000, 15_000, 18_000, 21_000, 24_000],
        // Per step: 5 s of warm-up left out, then five 3 s windows, judged on the median window's p99.
        warmupSeconds: 5,
        windows: 5,
        windowSeconds: 3,
        rawSeconds: 5,
      },
      faults: { perKind: 200, batch: 10, everySec: 3, settleSec: 15 },
      restart: { agents: 2000, downSec: 45, idleSec: 20, holdSec: 10, dead: 5 },
      agentSeconds: 600,
    };
if (values.agents !== undefined) PLAN.ingest.agents = Number(values.agents);
if (values.interval !== undefined) PLAN.ingest.intervalSec = Number(values.interval);
if (values['agent-seconds'] !== undefined) PLAN.agentSeconds = Number(values['agent-seconds']);
if (values['ceiling-rates'] !== undefined) {
  PLAN.ceiling.rates = values['ceiling-rates'].split(',').map(Number);
  if (!PLAN.ceiling.rates.every((rate) => Number.isFinite(rate) && rate > 0)) {
    process.stderr.write('bench: --ceiling-rates must be positive numbers, comma-separated\n');
    process.exit(2);
  }
}
for (const [option, key] of [
  ['ceiling-warmup', 'warmupSeconds'],
  ['ceiling-windows', 'windows'],
  ['ceiling-window', 'windowSeconds'],
]) {
  if (values[option] === undefined) continue;
  PLAN.ceiling[key] = Number(values[option]);
  const fine =
    key === 'warmupSeconds'
      ? PLAN.ceiling[key] >= 0
      : PLAN.ceiling[key] > 0 && (key !== 'windows' || Number.isInteger(PLAN.ceiling[key]));
  if (!fine) {
    process.stderr.write(
      `bench: --${option} must be ${key === 'windows' ? 'a positive integer' : 'a number of seconds'}\n`,
    );
    process.exit(2);
  }
}
for (const [key, value] of Object.entries({ ...PLAN.ingest, agentSeconds: PLAN.agentSeconds })) {
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`bench: ${key} must be a positive number\n`);
    process.exit(2);
  }
}

const HUB = join(root, 'hub', 'bin', 'vigie-hub.js');
const hasTaskset = existsSync('/usr/bin/taskset') && cpus().length > 1;
const work = mkdtempSync(join(tmpdir(), 'vigie-bench-'));
const children = [];
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});
const began = performance.now();
const log = (line) =>
  process.stderr.write(`[bench +${Math.round((performance.now() - began) / 1000)}s] ${line}\n`);

/** What every phase shares: binaries, pinning, the scratch directory, the children to kill. */
const ctx = {
  hubBin: HUB,
  agentBin: join(root, 'agent', 'bin', 'vigie-agent.js'),
  simBin: join(root, 'test', 'sim', 'dist', 'main.js'),
  cacheDir: join(root, 'bench', 'cache'),
  work,
  children,
  log,
  pin: (core) => (hasTaskset ? ['taskset', '-c', String(core)] : []),
  /** `vigie-hub start` on a free loopback port with its own database, quiet logs. */
  hubArgs: (db) => ['start', '--host', '127.0.0.1', '--port', '0', '--db', db, '--log-level', 'warn'],
  // The simulator is one address: lift the per-address handshake bound a fleet would not hit.
  // NODE_OPTIONS as the documented unit sets them (docs/deployment.md): the hub's young generation,
  // in one process whose pid is the hub's (started bare, the bin would run it as a child).
  hubEnv: {
    VIGIE_HUB_MAX_HANDSHAKES_PER_ADDRESS: '10000',
    NODE_OPTIONS: hubNodeOptions(process.env.NODE_OPTIONS),
  },
  /** Migrate a new database and create an admin; returns its API token. */
  createAdmin(db) {
    const out = spawnSync(
      process.execPath,
      [HUB, 'user', 'create', 'bench', '--role', 'admin', '--db', db, '--quiet'],
      {
        encoding: 'utf8',
      },
    );
    if (out.status !== 0) throw new Error(`user create failed: ${out.stderr}`);
    return out.stdout.trim();
  },
};

const git = (...args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout?.trim() ?? '';
const result = {
  at: new Date().toISOString(),
  quick,
  command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
  commit: `${git('rev-parse', '--short', 'HEAD') || 'unknown'}${git('status', '--porcelain', '--untracked-files=no') === '' ? '' : ' (uncommitted changes)'}`,
  plan: PLAN,
  /** The 1/5/15-minute load averages before and after each phase: what else the machine ran. */
  loadAverage: { start: loadavg() },
};
const phase = async (name, work) => {
  if (skip.has(name)) return log(`${name}: skipped`);
  const t0 = performance.now();
  const before = loadavg();
  try {
    result[name] = await work();
  } catch (error) {
    result[name] = { error: error instanceof Error ? error.message : String(error) };
    log(`${name} failed: ${result[name].error}`);
  }
  result.loadAverage[name] = { before, after: loadavg() };
  log(`${name}: ${Math.round((performance.now() - t0) / 1000)} s`);
};

// 1. Baselines, in this process, before anything else runs.
await phase('layout', async () => {
  log('raw SQLite baseline and storage layouts…');
  return {
    raw: measureRawBaseline(ctx, { seconds: PLAN.rawSeconds, name: 'layout-raw' }),
    layouts: await storageLayoutBench({ seconds: PLAN.layoutSeconds }),
  };
});
// 2. The real agent and node_exporter, in the background for the rest of the run.
const footprint = skip.has('footprint')
  ? Promise.resolve()
  : phase('footprint', () => {
      log(`real agent and node_exporter for ${PLAN.agentSeconds} s (in the background)…`);
      return measureFootprint(ctx, PLAN.agentSeconds);
    });
// 3. The hub, one phase after the other.
await phase('ingest', () => measureIngest(ctx, PLAN.ingest));
await phase('memory', () => measureHubMemory(ctx, PLAN.memory));
await phase('ceiling', () => measureCeiling(ctx, PLAN.ceiling));
await phase('faults', () => measureFaults(ctx, PLAN.faults));
await phase('restart', () => measureHubRestart(ctx, PLAN.restart));
await footprint;

const pkg = (name) =>
  JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
result.versions = {
  node: process.version,
  cpus: `${cpus().length}× ${cpus()[0]?.model ?? '?'}`,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  pinned: hasTaskset,
  betterSqlite3: pkg('better-sqlite3'),
  kysely: pkg('kysely'),
  ws: pkg('ws'),
  autocannon: pkg('autocannon'),
};
result.durationSec = Math.round((performance.now() - began) / 1000);
const table = formatTable(result);
// Quick runs (CI) check that every phase works, partial runs (--skip) try one phase: neither
// replaces the last full run's figures.
const dir = join(root, 'bench', 'results', ...(quick ? ['quick'] : skip.size > 0 ? ['partial'] : []));
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `${result.at.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(
  join(dir, 'latest.md'),
  `# Benchmark ${result.at}${quick ? ' (--quick)' : ''}\n\n\`${result.command}\`, commit ${result.commit}\n\n\`${JSON.stringify(result.versions)}\`\n\n${table}`,
);
// A full run (nothing skipped) also refreshes the figures in docs/benchmarks.md (between its markers).
if (!quick && skip.size === 0) {
  const doc = join(root, 'docs', 'benchmarks.md');
  const [begin, end] = ['<!-- bench:latest -->', '<!-- /bench:latest -->'];
  const text = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
  if (text.includes(begin) && text.includes(end)) {
    const section = `${begin}\nLast full run: ${result.at}, \`${result.command}\`, commit ${result.commit}, ${result.durationSec} s.\n\n\`${JSON.stringify(result.versions)}\`\n\n${table}${end}`;
    writeFileSync(
      doc,
      text.slice(0, text.indexOf(begin)) + section + text.slice(text.indexOf(end) + end.length),
    );
  }
}
process.stdout.write(`\n${table}`);
// A phase that broke fails the run (CI keeps the bench working); slow figures never do.
const broken = ['layout', 'ingest', 'memory', 'ceiling', 'faults', 'restart', 'footprint'].filter(
  (name) => result[name]?.error,
);
if (broken.length > 0) process.stderr.write(`bench: phases failed: ${broken.join(', ')}\n`);
process.exit(broken.length > 0 ? 1 : 0);
