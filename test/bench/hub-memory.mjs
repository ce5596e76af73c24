// Hub memory per connected agent, from a least-squares fit over several fleet sizes on one hub
// (not from one before/after pair): simulated agents are added in steps, each step its own
// simulator process (its own `--client`, so its own hosts), reporting every 10 s, and the hub's RSS
// is read once the step has connected and settled. The fit leaves out the hub with no agent: the first
// connections also page in the ingest code and fill SQLite's caches, a one-off cost (the intercept
// minus the idle RSS) that a before/after pair spread over every agent. The slope is the memory per
// agent; r² how straight the line is.
// The hub runs with a 32 MiB young generation (0038): V8 grows it (up to 3 × 32 MiB of RSS) as the
// report rate rises, not with what each agent holds, so one step can add tens of MiB that belong to
// no agent. Each point also reads the hub's own /metrics (the young generation's committed size and
// the JS heap in use); the fit of RSS less the young generation is the memory agents hold, the
// fit of the JS heap in use the part of it that is JavaScript objects. All three are reported.
import { join } from 'node:path';
import { scrapeHub, sumOf } from './hub-scrape.mjs';
import { linearFit } from './linear-fit.mjs';
import { rssBytesOf, sleep, startCli, waitForLine } from './proc.mjs';
import { startSim } from './sim.mjs';

/** `opts`: { steps (how many steps), agentsPerStep, rampSec, settleSec }. */
export async function measureHubMemory(ctx, opts) {
  const db = join(ctx.work, 'memory-hub.db');
  const token = ctx.createAdmin(db);
  const hub = startCli(ctx.pin(0), ctx.hubBin, ctx.hubArgs(db), { env: ctx.hubEnv });
  ctx.children.push(hub.child);
  const url = (await waitForLine(hub, /listening (\S+)/, 120_000))[1];
  await sleep(opts.settleSec * 1000);
  const pointAt = async (agents) => {
    const rssBytes = rssBytesOf(hub.child.pid);
    const series = await scrapeHub(url, AbortSignal.timeout(10_000));
    return {
      agents,
      rssBytes,
      youngBytes: sumOf(series, 'vigie_hub_nodejs_heap_space_size_total_bytes', ['space="new"']),
      heapUsedBytes: sumOf(series, 'vigie_hub_nodejs_heap_size_used_bytes'),
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
      `hub memory: ${last.agents} agents, RSS ${(last.rssBytes / 2 ** 20).toFixed(1)} MiB, young generation ${(last.youngBytes / 2 ** 20).toFixed(1)} MiB, JS heap used ${(last.heapUsedBytes / 2 ** 20).toFixed(1)} MiB`,
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
      youngMiB: p.youngBytes / 2 ** 20,
      heapUsedMiB: p.heapUsedBytes / 2 ** 20,
    })),
    idleMiB: points[0].rssBytes / 2 ** 20,
    kibPerAgent: fit.kibPerAgent,
    interceptMiB: fit.interceptMiB,
    r2: fit.r2,
    withoutYoung: fitOf((p) => p.rssBytes - p.youngBytes),
    heapUsed: fitOf((p) => p.heapUsedBytes),
  };
}
