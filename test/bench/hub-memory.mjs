// Hub memory per connected agent, from a least-squares fit over several fleet sizes on one hub
// (not from one before/after pair): simulated agents are added in steps, each step its own
// simulator process (its own `--client`, so its own hosts), reporting every 10 s, and the hub's RSS
// is read once the step has connected and settled. The fit leaves out the hub with no agent: the first
// connections also page in the ingest code and fill SQLite's caches, a one-off cost (the intercept
// minus the idle RSS) that a before/after pair spread over every agent. The slope is the memory per
// agent; r² how straight the line is.
// Garbage is not memory an agent holds, and the steps follow one another in time: whatever
// accumulates with time (garbage promoted to the old generation and waiting for a major GC, the
// young generation's 32 MiB semi-spaces (0038) grown with the report rate) fits the agent count as
// well as what each agent holds. So each point reads the RSS as the hub runs, then asks the hub's V8
// for a full garbage collection through the inspector (the hub of this phase runs with `--inspect`
// on a loopback port of its own choosing) and reads the RSS again and the live JS heap (the hub's
// /metrics). Three fits: RSS as it runs (reported), RSS after a full GC (judged: what agents hold),
// and the live JavaScript objects in it.
import { join } from 'node:path';
import WebSocket from 'ws';
import { scrapeHub, sumOf } from './hub-scrape.mjs';
import { linearFit } from './linear-fit.mjs';
import { rssBytesOf, sleep, startCli, waitForLine } from './proc.mjs';
import { startSim } from './sim.mjs';

/** `opts`: { steps (how many steps), agentsPerStep, rampSec, settleSec }. */
export async function measureHubMemory(ctx, opts) {
  const db = join(ctx.work, 'memory-hub.db');
  const token = ctx.createAdmin(db);
  const env = {
    ...ctx.hubEnv,
    NODE_OPTIONS: `${ctx.hubEnv.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0`.trim(),
  };
  const hub = startCli(ctx.pin(0), ctx.hubBin, ctx.hubArgs(db), { env });
  ctx.children.push(hub.child);
  const inspector = (await waitForLine(hub, /Debugger listening on (ws:\S+)/, 120_000))[1];
  const url = (await waitForLine(hub, /listening (http\S+)/, 120_000))[1];
  await sleep(opts.settleSec * 1000);
  const pointAt = async (agents) => {
    const rssBytes = rssBytesOf(hub.child.pid);
    await collectGarbage(inspector);
    const rssAfterGcBytes = rssBytesOf(hub.child.pid);
    const series = await scrapeHub(url, AbortSignal.timeout(10_000));
    return {
      agents,
      rssBytes,
      rssAfterGcBytes,
      // Live objects: the collection just ran (scraping allocates a little, in the young generation).
      liveHeapBytes:
        sumOf(series, 'vigie_hub_nodejs_heap_size_used_bytes') -
        sumOf(series, 'vigie_hub_nodejs_heap_space_size_used_bytes', ['space="new"']),
    };
  };
  const points = [await pointAt(0)];
  const sims = [];
  // Each simulator runs until told to quit; its duration only bounds a run that lost its bench.
  const durationSec = opts.steps * (opts.rampSec + opts.settleSec + 120) + 60;
  for (let step = 1; step <= opts.steps; step += 1) {
    const name = `memory-${step}`;
    const started = startSim(ctx, {
      url,
      token,
      agents: opts.agentsPerStep,
      intervalMs: 10_000,
      durationSec,
      rampSec: opts.rampSec,
      name,
      extra: ['--client', name],
    });
    sims.push(started);
    await waitForLine(started.sim, /\[[\s\dm.]+s\] connected (\d+)\/\1 /, 600_000);
    await sleep(opts.settleSec * 1000);
    points.push(await pointAt(step * opts.agentsPerStep));
    const last = points.at(-1);
    ctx.log(
      `hub memory: ${last.agents} agents, RSS ${(last.rssBytes / 2 ** 20).toFixed(1)} MiB, after a full GC ${(last.rssAfterGcBytes / 2 ** 20).toFixed(1)} MiB, live JS heap ${(last.liveHeapBytes / 2 ** 20).toFixed(1)} MiB`,
    );
  }
  for (const { sim } of sims) sim.child.stdin.write('quit\n');
  await Promise.allSettled(sims.map(({ done }) => done));
  hub.child.kill('SIGTERM');
  await hub.exited;
  const loaded = points.filter((p) => p.agents > 0);
  const fitOf = (bytesOf) => {
    const fit = linearFit(loaded.map((p) => [p.agents, bytesOf(p)]));
    return { kibPerAgent: fit.slope / 1024, interceptMiB: fit.intercept / 2 ** 20, r2: fit.r2 };
  };
  const fit = fitOf((p) => p.rssBytes);
  return {
    points: points.map((p) => ({
      agents: p.agents,
      rssMiB: p.rssBytes / 2 ** 20,
      rssAfterGcMiB: p.rssAfterGcBytes / 2 ** 20,
      liveHeapMiB: p.liveHeapBytes / 2 ** 20,
    })),
    idleMiB: points[0].rssBytes / 2 ** 20,
    kibPerAgent: fit.kibPerAgent,
    interceptMiB: fit.interceptMiB,
    r2: fit.r2,
    afterGc: fitOf((p) => p.rssAfterGcBytes),
    liveHeap: fitOf((p) => p.liveHeapBytes),
  };
}

/** A full garbage collection in the process whose inspector listens at `inspectorUrl`. */
async function collectGarbage(inspectorUrl) {
  const socket = new WebSocket(inspectorUrl);
  try {
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer to HeapProfiler.collectGarbage')), 30_000);
      socket.on('message', (data) => {
        if (JSON.parse(data).id !== 1) return;
        clearTimeout(timer);
        resolve();
      });
      socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
    });
  } finally {
    socket.close();
  }
}
