// Hub ingest at the nominal rate (CPU, send→commit latency, memory per connected agent), and the
// console/API latency measured with autocannon while that ingest runs, on a hub whose database was
// seeded with a 10 000-host fleet and 30 days of rolled-up history.

import { join } from 'node:path';
import autocannon from 'autocannon';
import { cpuSecondsOf, rssBytesOf, sleep, startCli, waitForLine } from './proc.mjs';
import { seedFleet, seedHostId, storageBreakdown } from './seed.mjs';
import { simWindow, startSim } from './sim.mjs';
import { measureSocketFloor } from './socket-floor.mjs';

const DAY = 86_400_000;

/** `opts`: { agents, intervalSec, fleetHosts, historyHosts, historyDays, apiSeconds }. */
export async function measureIngest(ctx, opts) {
  const { log } = ctx;
  const db = join(ctx.work, 'ingest-hub.db');
  const token = ctx.createAdmin(db);
  const now = Date.now();
  const seededHosts = Math.max(opts.historyHosts, opts.fleetHosts - opts.agents);
  log(`seeding ${seededHosts} hosts, ${opts.historyHosts} with ${opts.historyDays} days of history…`);
  const seeded = seedFleet(db, {
    hosts: seededHosts,
    historyHosts: opts.historyHosts,
    days: opts.historyDays,
    now,
  });
  const storage = storageFigures(storageBreakdown(db), seeded, opts);

  const hub = startCli(ctx.pin(0), ctx.hubBin, ctx.hubArgs(db), { env: ctx.hubEnv });
  ctx.children.push(hub.child);
  const url = (await waitForLine(hub, /listening (\S+)/, 60_000))[1];
  await sleep(2000);
  // The hub's own background work (sweeps, retention, timers) costs CPU whatever the load.
  const idle0 = cpuSecondsOf(hub.child.pid);
  const idleT0 = performance.now();
  await sleep(5000);
  const idleCpuPct = ((cpuSecondsOf(hub.child.pid) - idle0) / ((performance.now() - idleT0) / 1000)) * 100;
  const rssIdle = rssBytesOf(hub.child.pid);
  log(
    `hub at ${url}, idle RSS ${(rssIdle / 2 ** 20).toFixed(1)} MiB; ${opts.agents} agents every ${opts.intervalSec} s…`,
  );

  const rampSec = Math.max(5, Math.ceil(opts.agents / 200));
  // Enrolment happens before the ramp starts; the run is long enough for ramp, one settling
  // interval, the CPU window and the API measurements.
  const cpuWindowSec = opts.cpuWindowSec;
  const durationSec = rampSec + opts.intervalSec + cpuWindowSec + 2 * opts.apiSeconds + (opts.tailSec ?? 15);
  const { sim, done } = startSim(ctx, {
    url,
    token,
    agents: opts.agents,
    intervalMs: opts.intervalSec * 1000,
    durationSec,
    rampSec,
    name: 'nominal',
    extra: ['--sites', String(Math.max(1, Math.ceil(opts.agents / 100)))],
  });
  await waitForLine(sim, /enrolled \d+ agents|\d+ agents from/, 600_000);
  await sleep((rampSec + opts.intervalSec) * 1000);
  // Steady state: CPU, latency and rates over one window, before the API phase loads the hub.
  const window = simWindow(sim);
  await window.start();
  const cpu0 = cpuSecondsOf(hub.child.pid);
  const t0 = performance.now();
  await sleep(cpuWindowSec * 1000);
  const windowSec = (performance.now() - t0) / 1000;
  const hubCpuPct = ((cpuSecondsOf(hub.child.pid) - cpu0) / windowSec) * 100;
  const steady = await window.end();
  const rssLoaded = rssBytesOf(hub.child.pid);

  log('console/API latency under ingest (autocannon)…');
  const headers = { authorization: `Bearer ${token}` };
  // The fleet overview is what the console's first screen asks: the summary and the first page,
  // one request of each in turn (the whole list in one answer is gone: 4.3 MB for 10 000 hosts).
  let overviewRequests = 0;
  const fleet = await cannon(`${url}/api/v1/fleet/summary`, headers, opts.apiSeconds, () =>
    overviewRequests++ % 2 === 0 ? '/api/v1/fleet/summary' : '/api/v1/hosts?limit=100',
  );
  const chartHosts = Array.from({ length: opts.historyHosts }, (_, i) => seedHostId(i));
  const chart = await cannon(`${url}/api/v1/hosts/${chartHosts[0]}/metrics`, headers, opts.apiSeconds, () => {
    const host = chartHosts[Math.floor(Math.random() * chartHosts.length)];
    const to = Date.now();
    return `/api/v1/hosts/${host}/metrics?from=${to - 30 * DAY}&to=${to}`;
  });
  const probe = await (
    await fetch(`${url}/api/v1/hosts/${chartHosts[0]}/metrics?from=${Date.now() - 30 * DAY}`, { headers })
  ).json();
  const fleetSize = (await (await fetch(`${url}/api/v1/hosts?limit=1`, { headers })).json()).total;

  const summary = await done;
  hub.child.kill('SIGTERM');
  await hub.exited;
  const reportsPerSec = steady.ackedPerSec;

  // The anchor of the hub's CPU per report: Node + ws alone, then with the hub's statements, at
  // the same fleet and frame size, on the same core (socket-floor.mjs).
  const floorOpts = {
    agents: opts.agents,
    intervalSec: opts.intervalSec,
    seconds: Math.min(cpuWindowSec, 30),
    frameBytes: Math.round(summary.messages.metricsMeanChars ?? 600),
  };
  log('floor: Node + ws alone, then with the hub’s statements, same fleet…');
  const floor = {
    echo: await measureSocketFloor({ ...floorOpts, mode: 'echo' }),
    store: await measureSocketFloor({ ...floorOpts, mode: 'store' }),
  };
  return {
    ingest: {
      agents: opts.agents,
      intervalSec: opts.intervalSec,
      reportsPerSec,
      hubCpuPctOfOneCore: hubCpuPct,
      hubCpuMsPerReport: reportsPerSec > 0 ? (hubCpuPct * 10) / reportsPerSec : null,
      hubIdleCpuPct: idleCpuPct,
      // Idle cost plus the marginal cost per report, scaled to 1 000 reports/s.
      projectedCpuPctAt10kAgents:
        reportsPerSec > 0 ? idleCpuPct + ((hubCpuPct - idleCpuPct) * 1000) / reportsPerSec : null,
      // Send→commit over the steady window; the whole run's (ramp and API phase included) beside it.
      latencyMs: steady.latencyMs,
      wholeRunLatencyMs: summary.latencyMs,
      hubRssIdleMiB: rssIdle / 2 ** 20,
      hubRssLoadedMiB: rssLoaded / 2 ** 20,
      hubMemoryPerAgentKiB: (rssLoaded - rssIdle) / 1024 / opts.agents,
      connectedPeak: summary.connections.peak,
      unackedAtClose: summary.messages.unackedAtClose,
      closeCodes: summary.errors.closeCodes,
      simEventLoopDelayMs: summary.simEventLoopDelayMs,
    },
    api: {
      fleetHosts: fleetSize,
      historyHosts: opts.historyHosts,
      historyDays: opts.historyDays,
      fleetOverview: fleet,
      hostChart30d: { ...chart, stepMs: probe.stepMs, points: probe.points?.length },
    },
    storage,
    floor,
  };
}

/** autocannon for `seconds` with 4 connections; p95 is not among its percentiles, p97.5 bounds it. */
async function cannon(url, headers, seconds, nextPath) {
  const result = await autocannon({
    url,
    headers,
    connections: 4,
    duration: seconds,
    ...(nextPath && { requests: [{ setupRequest: (req) => ({ ...req, path: nextPath() }) }] }),
  });
  return {
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    bytesPerResponse: result.requests.total > 0 ? result.throughput.total / result.requests.total : null,
  };
}

/** Bytes per host from the seeded database: raw samples (the raw window) and each roll-up tier. */
function storageFigures(breakdown, seeded, opts) {
  const sum = (names) => names.reduce((total, name) => total + (breakdown.byName[name] ?? 0), 0);
  // The samples' indexes before and after decision 0036 (one unique index per host replaced two).
  const rawBytes = sum([
    'samples',
    'sqlite_autoindex_samples_1',
    'samples_host_at',
    'samples_host_at_key',
    'samples_received_at',
  ]);
  const rollupBytes = sum(['sample_rollups', 'sqlite_autoindex_sample_rollups_1', 'sample_rollups_step_at']);
  const perHost = (rawBytes + rollupBytes) / seeded.historyHosts;
  const rollupBytesPerRow = rollupBytes / seeded.rollupRows;
  return {
    rawBytesPerSample: rawBytes / seeded.rawRows,
    rollupBytesPerRow,
    rawWindowBytesPerHost: rawBytes / seeded.historyHosts,
    bytesPerHostAfterDays: perHost,
    days: opts.historyDays,
    // Every report passes through raw: what one host writes in a day before pruning.
    rawBytesWrittenPerHostPerDay: (rawBytes / seeded.rawRows) * (DAY / 10_000),
    // What stays per host per day once the raw window and the 1 min tier (2 days) have rolled over.
    retainedBytesPerHostPerDay: rollupBytesPerRow * (144 + 24),
    dbBytesFor10kHostsAfterDays: perHost * 10_000,
    seededDbFileBytes: breakdown.fileBytes,
  };
}
