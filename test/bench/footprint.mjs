// Agent footprint: the real agent at the stock 10 s interval against its own hub, and Debian's
// node_exporter scraped at the same interval, over the same wall-clock window.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { nodeExporterBinary, scrape, startNodeExporter } from './node-exporter.mjs';
import { childCpuSecondsOf, cpuSecondsOf, rssBytesOf, sleep, startCli, waitForLine } from './proc.mjs';

const INTERVAL_S = 10;
const WARMUP_MS = 15_000;

/**
 * Runs for `seconds` after a warm-up. `ctx`: { hubBin, agentBin, hubArgs(db), pin(core), work,
 * cacheDir, children, log }.
 */
export async function measureFootprint(ctx, seconds) {
  const { log } = ctx;
  const db = join(ctx.work, 'footprint-hub.db');
  const hub = startCli(ctx.pin(0), ctx.hubBin, ctx.hubArgs(db));
  ctx.children.push(hub.child);
  const url = (await waitForLine(hub, /listening (\S+)/, 20_000))[1];
  const enrolToken = execFileSync(process.execPath, [ctx.hubBin, 'token', 'create', '--db', db, '--quiet'], {
    encoding: 'utf8',
  }).trim();
  const state = join(ctx.work, 'agent');
  execFileSync(process.execPath, [
    ctx.agentBin,
    'enroll',
    '--hub',
    url,
    '--token',
    enrolToken,
    '--state-dir',
    state,
  ]);
  // The single file `vigie-agent install` installs (built by `npm run build`), which is what runs on
  // machines; agent/bin (the tsc output, one module per file) weighs ~6 MiB more.
  const bundle = join(ctx.agentBin, '..', '..', 'dist-bundle', 'vigie-agent.mjs');
  const agentBin = existsSync(bundle) ? bundle : ctx.agentBin;
  // The node flags an installed service runs with (SERVICE_NODE_FLAGS in agent/src/install/install-plan.ts).
  const nodeFlags = ['--lite-mode'];
  const loopFile = join(ctx.work, 'agent-loop-delay.json');
  const preload = join(import.meta.dirname, 'loop-delay-preload.mjs');
  const agent = startCli(
    ctx.pin(1),
    'env',
    [
      `VIGIE_BENCH_LOOP_DELAY_FILE=${loopFile}`,
      `VIGIE_BENCH_LOOP_DELAY_WARMUP_MS=${WARMUP_MS}`,
      process.execPath,
      ...nodeFlags,
      '--import',
      preload,
      agentBin,
      'run',
      '--state-dir',
      state,
      '--log-level',
      'warn',
    ],
    { raw: true },
  );
  ctx.children.push(agent.child);
  // An idle node with the same preload on the same core: the 100 Hz delay monitor alone costs a
  // process several ms of CPU a second, which is not the agent's; its CPU is subtracted below.
  const control = startCli(
    ctx.pin(1),
    'env',
    [
      `VIGIE_BENCH_LOOP_DELAY_WARMUP_MS=${WARMUP_MS}`,
      `VIGIE_BENCH_LOOP_DELAY_FILE=${join(ctx.work, 'control-loop-delay.json')}`,
      process.execPath,
      ...nodeFlags,
      '--import',
      preload,
      '-e',
      'setInterval(() => {}, 60_000); process.on("SIGTERM", () => process.exit(0));',
    ],
    { raw: true },
  );
  ctx.children.push(control.child);

  const exporterBin = nodeExporterBinary(ctx.cacheDir);
  let exporter;
  if (exporterBin.error) log(`node_exporter baseline unavailable: ${exporterBin.error}`);
  else {
    exporter = await startNodeExporter(ctx.pin(1), exporterBin.binary);
    ctx.children.push(exporter.proc.child);
  }
  await sleep(WARMUP_MS);
  // `env` execs node, so the agent's pid is node's.
  const agentPid = agent.child.pid;
  const a0 = cpuSecondsOf(agentPid, { children: true });
  const ac0 = childCpuSecondsOf(agentPid);
  const e0 = exporter ? cpuSecondsOf(exporter.proc.child.pid) : 0;
  const c0 = cpuSecondsOf(control.child.pid);
  const t0 = performance.now();
  let agentRssMax = 0;
  let exporterRssMax = 0;
  let scrapes = 0;
  let scrapeBytes = 0;
  for (let elapsed = 0; elapsed < seconds; elapsed += INTERVAL_S) {
    if (exporter) {
      scrapeBytes += await scrape(exporter.url).catch(() => 0);
      scrapes += 1;
    }
    await sleep(INTERVAL_S * 1000);
    agentRssMax = Math.max(agentRssMax, rssBytesOf(agentPid));
    if (exporter) exporterRssMax = Math.max(exporterRssMax, rssBytesOf(exporter.proc.child.pid));
  }
  const wallSec = (performance.now() - t0) / 1000;
  const agentCpuSec = cpuSecondsOf(agentPid, { children: true }) - a0;
  const agentChildCpuSec = childCpuSecondsOf(agentPid) - ac0;
  const exporterCpuSec = exporter ? cpuSecondsOf(exporter.proc.child.pid) - e0 : null;
  const controlCpuSec = cpuSecondsOf(control.child.pid) - c0;
  control.child.kill('SIGTERM');
  const agentRss = rssBytesOf(agentPid);
  const exporterRss = exporter ? rssBytesOf(exporter.proc.child.pid) : null;
  agent.child.kill('SIGTERM');
  await agent.exited;
  exporter?.proc.child.kill('SIGTERM');
  hub.child.kill('SIGTERM');
  await hub.exited;

  const cycles = wallSec / INTERVAL_S;
  const loopDelay = existsSync(loopFile) ? JSON.parse(readFileSync(loopFile, 'utf8')) : null;
  return {
    seconds: wallSec,
    intervalSec: INTERVAL_S,
    agent: {
      cpuPctOfOneCore: (agentCpuSec / wallSec) * 100,
      cpuMsPerCycle: (agentCpuSec * 1000) / cycles,
      /** Less the idle control's CPU (runtime + delay monitor) over the same window. */
      cpuMsPerCycleNet: (Math.max(0, agentCpuSec - controlCpuSec) * 1000) / cycles,
      childCpuSec: agentChildCpuSec,
      rssMiB: agentRss / 2 ** 20,
      rssMaxMiB: agentRssMax / 2 ** 20,
      eventLoopDelayMs: loopDelay,
      report: reportSize(db),
    },
    nodeExporter: exporter
      ? {
          version: exporterBin.version,
          cpuMsPerScrape: scrapes > 0 ? (exporterCpuSec * 1000) / scrapes : null,
          rssMiB: exporterRss / 2 ** 20,
          rssMaxMiB: exporterRssMax / 2 ** 20,
          scrapes,
          bytesPerScrape: scrapes > 0 ? scrapeBytes / scrapes : null,
        }
      : { error: exporterBin.error },
  };
}

/** Size of the metrics messages the agent sent, rebuilt from what the hub stored (one sample each). */
function reportSize(dbFile) {
  const db = new Database(dbFile, { readonly: true });
  const rows = db.prepare('select boot_id, seq, payload from samples where idx = 0 order by at').all();
  db.close();
  if (rows.length === 0) return null;
  const sizes = rows.map((r) =>
    Buffer.byteLength(`{"type":"metrics","bootId":"${r.boot_id}","seq":${r.seq},"samples":[${r.payload}]}`),
  );
  sizes.sort((a, b) => a - b);
  return {
    reports: sizes.length,
    meanBytes: sizes.reduce((a, b) => a + b, 0) / sizes.length,
    p50Bytes: sizes[Math.floor(sizes.length / 2)],
    maxBytes: sizes[sizes.length - 1],
  };
}
