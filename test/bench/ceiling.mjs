// The stress ceiling: one hub pinned to one core, the load raised step by step (same agents,
// shorter intervals) until p99 send→commit passes 500 ms or the hub falls behind; the ceiling is the
// highest rate it acknowledged within both. Each step is a separate simulator run (new boots), on
// the other core; its own CPU is measured in the same window, so each step says whether the load
// generator or the hub was the limit. Raw better-sqlite3 inserting the hub's rows runs first on the
// hub's core, so the ratio ceiling / raw comes from one phase.
import { join } from 'node:path';
import { cpuSecondsOf, runDelaySecondsOf, sleep, startCli, waitForLine } from './proc.mjs';
import { measureRawBaseline } from './raw-sqlite.mjs';
import { simWindow, startSim } from './sim.mjs';

const P99_LIMIT_MS = 500;
/** The hub keeps up while it acknowledges at least this share of what was sent in the window. */
const KEPT_UP = 0.95;
/** The generator delivered the rate asked when it sent at least this share of it. */
const SENT_ENOUGH = 0.95;
/** A generator above this share of its core is saturated: its own lag is in the latencies. */
const GENERATOR_SATURATED_PCT = 90;

/** Which side stopped a step: none, the generator, the hub, or both. */
export function judgeStep(step, p99LimitMs = P99_LIMIT_MS) {
  // Agents the hub had not welcomed cannot send: the rate asked of the generator is the welcomed
  // agents' share, and a hub that left agents unwelcomed is behind.
  const welcomed = Math.min(...step.connected) / step.agents;
  const generatorShort = step.sentPerSec < SENT_ENOUGH * step.targetPerSec * welcomed;
  // Its CPU and the time it waited for its core: on a shared machine other processes take the rest.
  const generatorSaturated = step.simCpuPct + (step.simRunDelayPct ?? 0) >= GENERATOR_SATURATED_PCT;
  const hubBehind =
    welcomed < SENT_ENOUGH || step.ackedPerSec < KEPT_UP * step.sentPerSec || !(step.p99Ms <= p99LimitMs);
  if (hubBehind && (generatorShort || generatorSaturated)) return 'hub and load generator';
  if (hubBehind) return 'hub';
  if (generatorShort) return 'load generator';
  return null;
}

/** `opts`: { agents, rates (reports/s, ascending), stepSeconds, rawSeconds }. */
export async function measureCeiling(ctx, opts) {
  ctx.log('ceiling: raw better-sqlite3 baseline on the hub’s core…');
  const raw = measureRawBaseline(ctx, { seconds: opts.rawSeconds ?? 5, name: 'ceiling-raw' });
  const db = join(ctx.work, 'ceiling-hub.db');
  const token = ctx.createAdmin(db);
  const hub = startCli(ctx.pin(0), ctx.hubBin, ctx.hubArgs(db), { env: ctx.hubEnv });
  ctx.children.push(hub.child);
  const url = (await waitForLine(hub, /listening (\S+)/, 20_000))[1];
  const steps = [];
  let ceiling = null;
  let stoppedBy = null;
  for (const rate of opts.rates) {
    const intervalMs = Math.max(20, Math.round((opts.agents * 1000) / rate));
    const rampSec = 3;
    // The fleet connects first, without load (a step measures ingest, not a hub answering 1 000
    // hellos while drowning); reports start together 2 s after the ramp.
    const holdSec = rampSec + 2;
    ctx.log(`ceiling: ${opts.agents} agents every ${intervalMs} ms (${rate} reports/s)…`);
    const { sim, done } = startSim(ctx, {
      url,
      token,
      agents: opts.agents,
      intervalMs,
      durationSec: holdSec + Math.ceil(intervalMs / 1000) + 1 + opts.stepSeconds,
      rampSec,
      name: 'ceiling',
      // Up to 24 000 reports/s from one core needs the simulator's report templates, which are of
      // whole frames: this phase sends statics-on-change frames, bigger than a real agent's
      // changes (docs/benchmarks.md says by how much; the other phases send changes).
      sampleDelta: false,
      // A real agent runs its checks once per 10 s cycle; the shortened interval does not make it
      // check more often (the simulator's checks are the agent's code and cost per evaluation).
      extra: ['--checks-every', '10s', '--reports-after', `${holdSec}s`],
    });
    // One window per step, after the ramp and one interval (the credentials are cached after the
    // first step, so only the first one enrols).
    await waitForLine(sim, /enrolled \d+ agents|\d+ agents from/, 120_000);
    await sleep(holdSec * 1000 + intervalMs + 1000);
    const window = simWindow(sim);
    await window.start();
    const hub0 = cpuSecondsOf(hub.child.pid);
    const sim0 = cpuSecondsOf(sim.child.pid);
    const hubWait0 = runDelaySecondsOf(hub.child.pid);
    const simWait0 = runDelaySecondsOf(sim.child.pid);
    const t0 = performance.now();
    await sleep(Math.max(2, opts.stepSeconds - 4) * 1000);
    const seconds = (performance.now() - t0) / 1000;
    const hubCpuPct = ((cpuSecondsOf(hub.child.pid) - hub0) / seconds) * 100;
    const simCpuPct = ((cpuSecondsOf(sim.child.pid) - sim0) / seconds) * 100;
    const hubRunDelayPct = ((runDelaySecondsOf(hub.child.pid) - hubWait0) / seconds) * 100;
    const simRunDelayPct = ((runDelaySecondsOf(sim.child.pid) - simWait0) / seconds) * 100;
    const measured = await window.end();
    const summary = await done;
    const step = {
      targetPerSec: rate,
      intervalMs,
      agents: opts.agents,
      connected: measured.connected,
      sentPerSec: measured.sentPerSec,
      ackedPerSec: measured.ackedPerSec,
      p99Ms: measured.latencyMs.p99,
      hubCpuPct,
      hubCpuMsPerReport: measured.ackedPerSec > 0 ? (hubCpuPct * 10) / measured.ackedPerSec : null,
      // The load generator's own cost: at 100 % of its core it is the limit, whatever the hub does.
      simCpuPct,
      simCpuMsPerReport: measured.sentPerSec > 0 ? (simCpuPct * 10) / measured.sentPerSec : null,
      simEventLoopDelayP99Ms: summary.simEventLoopDelayMs.p99,
      // Share of the window each main thread was runnable but had no core (other processes).
      hubRunDelayPct,
      simRunDelayPct,
      untemplatedConnections: summary.untemplatedConnections,
    };
    step.limit = judgeStep(step);
    steps.push(step);
    ctx.log(
      `ceiling: ${Math.min(...step.connected)}/${opts.agents} agents welcomed, sent ${Math.round(step.sentPerSec)}/s, acked ${Math.round(step.ackedPerSec)}/s, p99 ${Math.round(step.p99Ms)} ms, hub ${Math.round(hubCpuPct)} %, simulator ${Math.round(simCpuPct)} % (${step.simCpuMsPerReport?.toFixed(3)} ms/report); waiting for a core: hub ${Math.round(hubRunDelayPct)} %, simulator ${Math.round(simRunDelayPct)} %${step.limit ? `: limited by ${step.limit}` : ''}`,
    );
    // A generator that fell short but whose load the hub took in time is still a point the hub held.
    if (step.limit === 'load generator') ceiling = step;
    if (step.limit) {
      stoppedBy = step.limit;
      break;
    }
    ceiling = step;
  }
  hub.child.kill('SIGTERM');
  await hub.exited;
  const ceilingReportsPerSec = ceiling?.ackedPerSec ?? null;
  return {
    p99LimitMs: P99_LIMIT_MS,
    raw,
    steps,
    ceilingReportsPerSec,
    // Against what one core does inserting the same rows with nothing else (rows per CPU second).
    ceilingVsRawPct: ceilingReportsPerSec ? (ceilingReportsPerSec / raw.rowsPerCpuSec) * 100 : null,
    limitedBy: stoppedBy ?? 'highest step tried',
  };
}
