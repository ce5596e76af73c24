// Agent footprint: the real agent at the stock 10 s interval against its own hub, as an installed
// service runs it (the single-file bundle, SERVICE_NODE_FLAGS, SERVICE_MALLOC_ENV), beside its anchors over the same
// wall-clock window: Debian's node_exporter scraped at the same interval, and an idle `node` with
// the same flags (Node's own floor). Every figure is gross: the agent's process and everything it
// starts (the inventory probe child), nothing subtracted. The event-loop delay comes from a second,
// identical agent with the delay monitor preloaded, so the monitor's 100 wake-ups a second are not
// in the measured agent's CPU.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { startFrameRelay, wireReportSize } from './frame-relay.mjs';
import { nodeExporterBinary, scrape, startNodeExporter } from './node-exporter.mjs';
import {
  cpuSecondsOf,
  descendantsOf,
  rssBytesOf,
  sleep,
  startCli,
  treeCpuSecondsOf,
  treeRssBytesOf,
  waitForLine,
} from './proc.mjs';

const INTERVAL_S = 10;
const WARMUP_MS = 15_000;
/** The first inventory runs in a child at start; the steady window begins once it is done. */
const FIRST_INVENTORY_MAX_MS = 180_000;
const MiB = 2 ** 20;

/**
 * Runs for `seconds` after the warm-up. `ctx`: { hubBin, agentBin, hubArgs(db), pin(core), work,
 * cacheDir, children, log }.
 */
export async function measureFootprint(ctx, seconds) {
  const { log } = ctx;
  const db = join(ctx.work, 'footprint-hub.db');
  const hub = startCli(ctx.pin(0), ctx.hubBin, ctx.hubArgs(db));
  ctx.children.push(hub.child);
  const url = (await waitForLine(hub, /listening (\S+)/, 120_000))[1];
  const enrol = (state) => {
    const token = execFileSync(process.execPath, [ctx.hubBin, 'token', 'create', '--db', db, '--quiet'], {
      encoding: 'utf8',
    }).trim();
    execFileSync(process.execPath, [
      ctx.agentBin,
      'enroll',
      '--hub',
      url,
      '--token',
      token,
      '--state-dir',
      state,
    ]);
  };
  // The single file `vigie-agent install` installs (built by `npm run build`), which is what runs on
  // machines; agent/bin (the tsc output, one module per file) weighs more.
  const bundle = join(ctx.agentBin, '..', '..', 'dist-bundle', 'vigie-agent.cjs');
  const agentBin = existsSync(bundle) ? bundle : ctx.agentBin;
  const { nodeFlags, env: serviceEnv } = await serviceLaunch(ctx.agentBin);
  const run = (state) => [agentBin, 'run', '--state-dir', state, '--log-level', 'warn'];

  const state = join(ctx.work, 'agent');
  enrol(state);
  // The measured agent talks through a relay that weighs its reports on the wire.
  const relay = await startFrameRelay(Number(new URL(url).port));
  const agent = startCli(ctx.pin(1), process.execPath, [...nodeFlags, ...run(state)], {
    raw: true,
    env: { ...serviceEnv, VIGIE_HUB_URL: `http://127.0.0.1:${relay.port}` },
  });
  ctx.children.push(agent.child);
  const agentPid = agent.child.pid;

  const loopState = join(ctx.work, 'agent-loop');
  enrol(loopState);
  const loopFile = join(ctx.work, 'agent-loop-delay.json');
  const loopAgent = startCli(
    ctx.pin(1),
    process.execPath,
    [...nodeFlags, '--import', join(import.meta.dirname, 'loop-delay-preload.mjs'), ...run(loopState)],
    {
      raw: true,
      env: {
        ...serviceEnv,
        VIGIE_BENCH_LOOP_DELAY_FILE: loopFile,
        VIGIE_BENCH_LOOP_DELAY_WARMUP_MS: String(WARMUP_MS),
      },
    },
  );
  ctx.children.push(loopAgent.child);

  const floor = startCli(
    ctx.pin(1),
    process.execPath,
    [...nodeFlags, '-e', 'setInterval(() => {}, 60_000); process.on("SIGTERM", () => process.exit(0));'],
    { raw: true, env: serviceEnv },
  );
  ctx.children.push(floor.child);

  const exporterBin = nodeExporterBinary(ctx.cacheDir);
  let exporter;
  if (exporterBin.error) log(`node_exporter anchor skipped: ${exporterBin.error}`);
  else {
    exporter = await startNodeExporter(ctx.pin(1), exporterBin.binary);
    ctx.children.push(exporter.proc.child);
  }

  // Start-up and the first inventory, children included, until the probe child is gone.
  const started = performance.now();
  let startupRssMax = 0;
  while (
    performance.now() - started < WARMUP_MS ||
    (descendantsOf(agentPid).length > 0 && performance.now() - started < FIRST_INVENTORY_MAX_MS)
  ) {
    await sleep(500);
    if (agent.child.exitCode !== null) throw new Error(`agent exited:\n${agent.output.slice(-2000)}`);
    startupRssMax = Math.max(startupRssMax, treeRssBytesOf(agentPid));
  }
  const startupCpuSec = treeCpuSecondsOf(agentPid);
  const startupSec = (performance.now() - started) / 1000;

  const a0 = treeCpuSecondsOf(agentPid);
  const e0 = exporter ? cpuSecondsOf(exporter.proc.child.pid) : 0;
  const t0 = performance.now();
  const agentRss = [];
  const floorRss = [];
  let exporterRssMax = 0;
  let scrapes = 0;
  let scrapeBytes = 0;
  for (let elapsed = 0; elapsed < seconds; elapsed += INTERVAL_S) {
    if (exporter) {
      scrapeBytes += await scrape(exporter.url).catch(() => 0);
      scrapes += 1;
    }
    await sleep(INTERVAL_S * 1000);
    agentRss.push(treeRssBytesOf(agentPid));
    floorRss.push(rssBytesOf(floor.child.pid));
    if (exporter) exporterRssMax = Math.max(exporterRssMax, rssBytesOf(exporter.proc.child.pid));
  }
  const wallSec = (performance.now() - t0) / 1000;
  const agentCpuSec = treeCpuSecondsOf(agentPid) - a0;
  const exporterCpuSec = exporter ? cpuSecondsOf(exporter.proc.child.pid) - e0 : null;
  const exporterRss = exporter ? rssBytesOf(exporter.proc.child.pid) : null;
  for (const proc of [agent, loopAgent, floor]) proc.child.kill('SIGTERM');
  await Promise.all([agent.exited, loopAgent.exited, floor.exited]);
  exporter?.proc.child.kill('SIGTERM');
  hub.child.kill('SIGTERM');
  await hub.exited;
  relay.close();

  const cycles = wallSec / INTERVAL_S;
  const loopDelay = existsSync(loopFile) ? JSON.parse(readFileSync(loopFile, 'utf8')) : null;
  return {
    seconds: wallSec,
    intervalSec: INTERVAL_S,
    agentFile: agentBin.endsWith('.cjs') ? 'single-file bundle' : 'agent/bin',
    nodeFlags,
    serviceEnv,
    agent: {
      cpuPctOfOneCore: (agentCpuSec / wallSec) * 100,
      /** Gross: the agent's process and its children, nothing subtracted. */
      cpuMsPerCycle: (agentCpuSec * 1000) / cycles,
      rssMiB: median(agentRss) / MiB,
      rssMaxMiB: Math.max(...agentRss) / MiB,
      startup: { seconds: startupSec, cpuSec: startupCpuSec, rssMaxMiB: startupRssMax / MiB },
      eventLoopDelayMs: loopDelay,
      /** The steady window's `metrics` messages as sent (what issue 19's ≤ 600 B goal is about). */
      report: wireReportSize(relay, t0),
      /** Every sample stored, rebuilt as one full message each (start-up included). */
      storedReport: reportSize(db),
    },
    nodeFloor: { rssMiB: median(floorRss) / MiB },
    nodeExporter: exporter
      ? {
          version: exporterBin.version,
          source: exporterBin.source,
          cpuMsPerScrape: scrapes > 0 ? (exporterCpuSec * 1000) / scrapes : null,
          rssMiB: exporterRss / MiB,
          rssMaxMiB: exporterRssMax / MiB,
          scrapes,
          bytesPerScrape: scrapes > 0 ? scrapeBytes / scrapes : null,
        }
      : { error: exporterBin.error },
  };
}

const median = (values) => values.toSorted((a, b) => a - b)[values.length >> 1];

/**
 * The node flags and environment an installed Linux service runs the bundle with
 * (agent/src/install/install-plan.ts: SERVICE_NODE_FLAGS, SERVICE_MALLOC_ENV).
 */
async function serviceLaunch(agentBin) {
  const plan = join(agentBin, '..', '..', 'dist', 'install', 'install-plan.js');
  const { SERVICE_NODE_FLAGS, SERVICE_MALLOC_ENV } = await import(pathToFileURL(plan).href);
  return { nodeFlags: [...SERVICE_NODE_FLAGS], env: { ...SERVICE_MALLOC_ENV } };
}

/** Size of the metrics messages the agents sent, rebuilt from what the hub stored (one sample each). */
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
