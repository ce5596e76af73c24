// The stress ceiling: one hub pinned to one core, the load raised step by step (same agents,
// shorter intervals) until p99 send→commit passes 500 ms or the hub falls behind; the ceiling is the
// highest rate it acknowledged within both. Each step is a separate simulator run (new boots).
import { join } from 'node:path';
import { cpuSecondsOf, sleep, startCli, waitForLine } from './proc.mjs';
import { simWindow, startSim } from './sim.mjs';

const P99_LIMIT_MS = 500;

/** `opts`: { agents, rates (reports/s, ascending), stepSeconds }. */
export async function measureCeiling(ctx, opts) {
  const db = join(ctx.work, 'ceiling-hub.db');
  const token = ctx.createAdmin(db);
  const hub = startCli(ctx.pin(0), ctx.hubBin, ctx.hubArgs(db), { env: ctx.hubEnv });
  ctx.children.push(hub.child);
  const url = (await waitForLine(hub, /listening (\S+)/, 20_000))[1];
  const steps = [];
  let ceiling = null;
  for (const rate of opts.rates) {
    const intervalMs = Math.max(20, Math.round((opts.agents * 1000) / rate));
    const rampSec = 3;
    ctx.log(`ceiling: ${opts.agents} agents every ${intervalMs} ms (${rate} reports/s)…`);
    const { sim, done } = startSim(ctx, {
      url,
      token,
      agents: opts.agents,
      intervalMs,
      durationSec: rampSec + Math.ceil(intervalMs / 1000) + 1 + opts.stepSeconds,
      rampSec,
      name: 'ceiling',
    });
    // One window per step, after the ramp and one interval (the credentials are cached after the
    // first step, so only the first one enrols).
    await waitForLine(sim, /enrolled \d+ agents|\d+ agents from/, 120_000);
    await sleep(rampSec * 1000 + intervalMs + 1000);
    const window = simWindow(sim);
    await window.start();
    const c0 = cpuSecondsOf(hub.child.pid);
    const t0 = performance.now();
    await sleep(Math.max(2, opts.stepSeconds - 4) * 1000);
    const cpuPct = ((cpuSecondsOf(hub.child.pid) - c0) / ((performance.now() - t0) / 1000)) * 100;
    const measured = await window.end();
    const summary = await done;
    const step = {
      targetPerSec: rate,
      sentPerSec: measured.sentPerSec,
      ackedPerSec: measured.ackedPerSec,
      p99Ms: measured.latencyMs.p99,
      hubCpuPct: cpuPct,
      hubCpuMsPerReport: measured.ackedPerSec > 0 ? (cpuPct * 10) / measured.ackedPerSec : null,
      simEventLoopDelayP99Ms: summary.simEventLoopDelayMs.p99,
    };
    steps.push(step);
    const keptUp = step.ackedPerSec >= 0.95 * step.sentPerSec;
    if (step.p99Ms > P99_LIMIT_MS || !keptUp) break;
    ceiling = step;
  }
  hub.child.kill('SIGTERM');
  await hub.exited;
  const last = steps.at(-1);
  return {
    p99LimitMs: P99_LIMIT_MS,
    steps,
    ceilingReportsPerSec: ceiling?.ackedPerSec ?? null,
    // The load generator has one core too: when it could not send what was asked, the ceiling is its.
    limitedBy:
      last && last !== ceiling
        ? last.sentPerSec < 0.9 * last.targetPerSec
          ? 'load generator (could not send the rate asked)'
          : 'hub'
        : 'highest step tried',
  };
}
