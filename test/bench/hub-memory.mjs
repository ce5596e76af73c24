// Hub memory per connected agent, from a least-squares fit over several fleet sizes on one hub
// (not from one before/after pair): simulated agents are added in steps, each step its own
// simulator process (its own `--client`, so its own hosts), reporting every 10 s, and the hub's RSS
// is read once the step has connected and settled. The fit leaves out the hub with no agent: the first
// connections also page in the ingest code and fill SQLite's caches, a one-off cost (the intercept
// minus the idle RSS) that a before/after pair spread over every agent. The slope is the memory per
// agent; r² how straight the line is.
import { join } from 'node:path';
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
  const points = [{ agents: 0, rssBytes: rssBytesOf(hub.child.pid) }];
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
    points.push({ agents: step * opts.agentsPerStep, rssBytes: rssBytesOf(hub.child.pid) });
    ctx.log(
      `hub memory: ${step * opts.agentsPerStep} agents, RSS ${(points.at(-1).rssBytes / 2 ** 20).toFixed(1)} MiB`,
    );
  }
  for (const { sim } of sims) sim.child.stdin.write('quit\n');
  await Promise.allSettled(sims.map(({ done }) => done));
  hub.child.kill('SIGTERM');
  await hub.exited;
  const fit = linearFit(points.filter((p) => p.agents > 0).map((p) => [p.agents, p.rssBytes]));
  return {
    points: points.map((p) => ({ agents: p.agents, rssMiB: p.rssBytes / 2 ** 20 })),
    idleMiB: points[0].rssBytes / 2 ** 20,
    kibPerAgent: fit.slope / 1024,
    interceptMiB: fit.intercept / 2 ** 20,
    r2: fit.r2,
  };
}
