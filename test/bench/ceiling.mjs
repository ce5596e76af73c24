// The stress ceiling: one hub pinned to one core, the load raised step by step (same agents,
// shorter intervals) until p99 send→commit passes 500 ms or the hub falls behind; the ceiling is the
// highest rate it acknowledged within both. Each step is a separate simulator run (new boots), on
// the other core; its first seconds (warm-up) are left out, then several windows are measured and
// the step is judged on the median window's p99, the worst window's reported beside it: one short
// window's p99 moved 2–3× between runs (docs/benchmarks.md, "ceiling"). The simulator's CPU is
// measured in the same window, so each step says whether the load generator or the hub was the
// limit; the hub's own metrics and its WAL's frames say what its group commits did. Raw
// better-sqlite3 inserting the hub's rows runs first on the hub's core, so the ratio ceiling / raw
// comes from one phase.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hubDelta, scrapeHub } from './hub-scrape.mjs';
import { cpuSecondsOf, runDelaySecondsOf, sleep, startCli, waitForLine } from './proc.mjs';
import { measureRawBaseline } from './raw-sqlite.mjs';
import { simWindow, startSim } from './sim.mjs';
import { createWalCounter } from './wal-commits.mjs';

const P99_LIMIT_MS = 500;
/** The hub keeps up while it acknowledges at least this share of what was sent in the window. */
const KEPT_UP = 0.95;
/** The generator delivered the rate asked when it sent at least this share of it. */
const SENT_ENOUGH = 0.95;
/** A generator above this share of its core is saturated: its own lag is in the latencies. */
const GENERATOR_SATURATED_PCT = 90;
/**
 * A hub that waited this share of the window for its core shared it with other processes: the
 * step is still judged (the criteria do not change), but its line says the machine was busy.
 */
const BUSY_MACHINE_PCT = 10;
const SCRAPE_TIMEOUT_MS = 5_000;

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

/**
 * One step's windows judged together: p99 is the median window's (the upper middle one for an even
 * count, the worse of the two), the worst window's is kept beside it; sent and acked are over every
 * window together, agents welcomed the fewest seen at any window edge.
 */
export function summarizeWindows(windows) {
  // A window without one ack has no p99 (null once through JSON): the hub answered nothing in it.
  const p99s = windows.map((w) =>
    Number.isFinite(w.latencyMs.p99) ? w.latencyMs.p99 : Number.POSITIVE_INFINITY,
  );
  const sorted = [...p99s].sort((a, b) => a - b);
  const seconds = windows.reduce((sum, w) => sum + w.seconds, 0);
  return {
    seconds,
    connected: windows.flatMap((w) => w.connected),
    sentPerSec: windows.reduce((sum, w) => sum + w.sent, 0) / seconds,
    ackedPerSec: windows.reduce((sum, w) => sum + w.acked, 0) / seconds,
    p99Ms: sorted[Math.floor(sorted.length / 2)],
    p99WorstMs: sorted[sorted.length - 1],
    windowP99sMs: p99s,
  };
}

/**
 * The hub's metrics, or null when it did not answer in time: a hub drowning in its backlog may
 * take seconds, and its commit figures are then missing from the step, not the step itself.
 */
async function scrapeOrNull(url) {
  try {
    return await scrapeHub(url, AbortSignal.timeout(SCRAPE_TIMEOUT_MS));
  } catch {
    return null;
  }
}

/**
 * A process's main thread alone (the event loop): user and system CPU seconds, and how often it
 * blocked and was woken again (voluntary context switches: mostly the event loop waiting for
 * sockets or a timer, also any lock it waited for).
 */
function mainThreadOf(pid) {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8');
  return {
    userSec: Number(fields[11]) / 100,
    systemSec: Number(fields[12]) / 100,
    wakeups: Number(status.match(/^voluntary_ctxt_switches:\s+(\d+)/m)?.[1] ?? Number.NaN),
  };
}

/**
 * `opts`: { agents, rates (reports/s, ascending), warmupSeconds, windows, windowSeconds, rawSeconds }.
 * Each step: the fleet connects, reports start, `warmupSeconds` are left out (new boots, the first
 * whole samples, JIT, the database's pages coming into the cache), then `windows` windows of
 * `windowSeconds`; the step's p99 is the median window's, the worst window's is reported with it.
 */
export async function measureCeiling(ctx, opts) {
  ctx.log('ceiling: raw better-sqlite3 baseline on the hub’s core…');
  const raw = measureRawBaseline(ctx, { seconds: opts.rawSeconds ?? 5, name: 'ceiling-raw' });
  const db = join(ctx.work, 'ceiling-hub.db');
  const token = ctx.createAdmin(db);
  const hub = startCli(ctx.pin(0), ctx.hubBin, ctx.hubArgs(db), { env: ctx.hubEnv });
  ctx.children.push(hub.child);
  const url = (await waitForLine(hub, /listening (\S+)/, 20_000))[1];
  const wal = createWalCounter(`${db}-wal`);
  const steps = [];
  let ceiling = null;
  let stoppedBy = null;
  for (const rate of opts.rates) {
    const intervalMs = Math.max(20, Math.round((opts.agents * 1000) / rate));
    const rampSec = 3;
    // The fleet connects first, without load (a step measures ingest, not a hub answering 1 000
    // hellos while drowning); each agent's first report falls at a random point of its first
    // interval after that (test/sim/sim-agent.ts), so reports are spread from the start.
    const holdSec = rampSec + 2;
    const measuredSec = opts.windows * opts.windowSeconds;
    ctx.log(`ceiling: ${opts.agents} agents every ${intervalMs} ms (${rate} reports/s)…`);
    const { sim, done } = startSim(ctx, {
      url,
      token,
      agents: opts.agents,
      intervalMs,
      // A bound only: the step stops it (`quit`) once measured. On a busy machine the scrapes and
      // the last `mark?` can take seconds, and a simulator gone before them fails the phase.
      durationSec: holdSec + opts.warmupSeconds + measuredSec + 300,
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
    // The credentials are cached after the first step, so only the first one enrols.
    await waitForLine(sim, /enrolled \d+ agents|\d+ agents from/, 120_000);
    await sleep((holdSec + opts.warmupSeconds) * 1000);
    const hubMetrics0 = await scrapeOrNull(url);
    wal.poll();
    const wal0 = wal.totals();
    const walPoll = setInterval(() => wal.poll(), 100);
    const window = simWindow(sim);
    await window.start();
    const hub0 = cpuSecondsOf(hub.child.pid);
    const hubMain0 = mainThreadOf(hub.child.pid);
    const sim0 = cpuSecondsOf(sim.child.pid);
    const hubWait0 = runDelaySecondsOf(hub.child.pid);
    const simWait0 = runDelaySecondsOf(sim.child.pid);
    const t0 = performance.now();
    const windows = [];
    for (let i = 0; i < opts.windows; i += 1) {
      await sleep(opts.windowSeconds * 1000);
      windows.push(await (i === opts.windows - 1 ? window.end() : window.next()));
    }
    const seconds = (performance.now() - t0) / 1000;
    const hubCpuPct = ((cpuSecondsOf(hub.child.pid) - hub0) / seconds) * 100;
    const hubMain1 = mainThreadOf(hub.child.pid);
    const hubMainUserPct = ((hubMain1.userSec - hubMain0.userSec) / seconds) * 100;
    const hubMainSystemPct = ((hubMain1.systemSec - hubMain0.systemSec) / seconds) * 100;
    const hubMainCpuPct = hubMainUserPct + hubMainSystemPct;
    const hubWakeupsPerSec = (hubMain1.wakeups - hubMain0.wakeups) / seconds;
    const simCpuPct = ((cpuSecondsOf(sim.child.pid) - sim0) / seconds) * 100;
    const hubRunDelayPct = ((runDelaySecondsOf(hub.child.pid) - hubWait0) / seconds) * 100;
    const simRunDelayPct = ((runDelaySecondsOf(sim.child.pid) - simWait0) / seconds) * 100;
    clearInterval(walPoll);
    wal.poll();
    const wal1 = wal.totals();
    const hubMetrics1 = await scrapeOrNull(url);
    const hubSide =
      hubMetrics0 && hubMetrics1
        ? hubDelta(hubMetrics0, hubMetrics1, seconds)
        : {
            committedPerSec: Number.NaN,
            meanSubmitToCommitMs: null,
            samplesPerMessage: null,
            gcMsPerSec: Number.NaN,
          };
    const measured = summarizeWindows(windows);
    sim.child.stdin.write('quit\n');
    const summary = await done;
    const commits = wal1.commits - wal0.commits;
    const pages = wal1.pages - wal0.pages;
    const step = {
      targetPerSec: rate,
      intervalMs,
      agents: opts.agents,
      connected: measured.connected,
      sentPerSec: measured.sentPerSec,
      ackedPerSec: measured.ackedPerSec,
      p99Ms: measured.p99Ms,
      p99WorstMs: measured.p99WorstMs,
      windowP99sMs: measured.windowP99sMs,
      // Every ack of the simulator's run, the ramp and the warm-up included: what was left out.
      p99WholeRunMs: summary.latencyMs.p99,
      hubCpuPct,
      hubCpuMsPerReport: measured.ackedPerSec > 0 ? (hubCpuPct * 10) / measured.ackedPerSec : null,
      // The event loop's thread alone; the rest is V8's helper threads (concurrent GC), the WAL
      // checkpoint worker and libuv's pool.
      hubMainThreadCpuPct: hubMainCpuPct,
      hubMainThreadUserPct: hubMainUserPct,
      hubMainThreadSystemPct: hubMainSystemPct,
      // Event-loop wake-ups: a cost paid per wake-up, not per report, falls per report as more
      // reports arrive per wake-up.
      hubWakeupsPerSec,
      reportsPerWakeup:
        hubWakeupsPerSec > 0 && Number.isFinite(hubSide.committedPerSec)
          ? hubSide.committedPerSec / hubWakeupsPerSec
          : null,
      // The load generator's own cost: at 100 % of its core it is the limit, whatever the hub does.
      simCpuPct,
      simCpuMsPerReport: measured.sentPerSec > 0 ? (simCpuPct * 10) / measured.sentPerSec : null,
      simEventLoopDelayP99Ms: summary.simEventLoopDelayMs.p99,
      // Share of the window each main thread was runnable but had no core (other processes).
      hubRunDelayPct,
      simRunDelayPct,
      untemplatedConnections: summary.untemplatedConnections,
      // Group commits from the WAL's frames, and the hub's own counters over the same window.
      commitsPerSec: commits / seconds,
      walPagesPerCommit: commits > 0 ? pages / commits : null,
      reportsPerCommit:
        commits > 0 && Number.isFinite(hubSide.committedPerSec)
          ? (hubSide.committedPerSec * seconds) / commits
          : null,
      walPagesPerReport: hubSide.committedPerSec > 0 ? pages / (hubSide.committedPerSec * seconds) : null,
      walRestarts: wal1.restarts - wal0.restarts,
      hub: hubSide,
    };
    step.limit = judgeStep(step);
    steps.push(step);
    ctx.log(
      `ceiling: ${Math.min(...step.connected)}/${opts.agents} agents welcomed, sent ${Math.round(step.sentPerSec)}/s, acked ${Math.round(step.ackedPerSec)}/s, p99 ${Math.round(step.p99Ms)} ms (median of ${windows.length} windows of ${opts.windowSeconds} s: ${step.windowP99sMs.map((p) => Math.round(p)).join(', ')}; worst ${Math.round(step.p99WorstMs)}; whole run with warm-up ${Math.round(step.p99WholeRunMs)}), hub ${Math.round(hubCpuPct)} % (main thread ${Math.round(hubMainCpuPct)} %), simulator ${Math.round(simCpuPct)} % (${step.simCpuMsPerReport?.toFixed(3)} ms/report); waiting for a core: hub ${Math.round(hubRunDelayPct)} %, simulator ${Math.round(simRunDelayPct)} %${step.limit ? `: limited by ${step.limit}` : ''}${hubRunDelayPct >= BUSY_MACHINE_PCT ? ' (the machine was busy: the hub waited for its core, the figure is not the hub’s alone)' : ''}`,
    );
    const perReport = (n, d) => (n === null || !Number.isFinite(n) ? '–' : n.toFixed(d));
    ctx.log(
      `ceiling:   hub side: ${step.commitsPerSec.toFixed(1)} commits/s (every write transaction), ${perReport(step.walPagesPerCommit, 0)} WAL pages per commit, ${Math.round(hubWakeupsPerSec)} main-thread wake-ups/s, user ${Math.round(hubMainUserPct)} % + system ${Math.round(hubMainSystemPct)} %; ${
        Number.isFinite(step.hub.committedPerSec)
          ? `${perReport(step.reportsPerCommit, 0)} reports per commit, ${perReport(step.walPagesPerReport, 2)} WAL pages per report, ${perReport(step.reportsPerWakeup, 1)} reports per wake-up, submit→commit mean ${perReport(step.hub.meanSubmitToCommitMs, 1)} ms, ${perReport(step.hub.samplesPerMessage, 2)} samples per message, GC ${perReport(step.hub.gcMsPerSec, 0)} ms/s`
          : `the hub's /metrics did not answer within ${SCRAPE_TIMEOUT_MS / 1000} s`
      }`,
    );
    // A generator that fell short but whose load the hub took in time is still a point the hub held.
    if (step.limit === 'load generator') ceiling = step;
    if (step.limit) {
      stoppedBy = step.limit;
      break;
    }
    ceiling = step;
  }
  wal.close();
  hub.child.kill('SIGTERM');
  await hub.exited;
  const ceilingReportsPerSec = ceiling?.ackedPerSec ?? null;
  return {
    p99LimitMs: P99_LIMIT_MS,
    method: {
      warmupSeconds: opts.warmupSeconds,
      windows: opts.windows,
      windowSeconds: opts.windowSeconds,
    },
    raw,
    steps,
    ceilingReportsPerSec,
    // Against what one core does inserting the same rows with nothing else (rows per CPU second).
    ceilingVsRawPct: ceilingReportsPerSec ? (ceilingReportsPerSec / raw.rowsPerCpuSec) * 100 : null,
    limitedBy: stoppedBy ?? 'highest step tried',
  };
}
