import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { sampleSchema } from '@vigie/shared';
import type { SimOptions } from './args.js';
import { formatDuration } from './duration.js';
import { defaultCredentialsFile, enrolFleet } from './enrol.js';
import { type ParseResult, parseFaultCommand } from './fault-command.js';
import { createFaultInjector, type FaultEvent, type FaultSource } from './faults.js';
import { createProgressReporter } from './progress.js';
import { createRandom, forkRandom, type Random } from './random.js';
import { createSampleGenerator } from './sample-generator.js';
import { createSimAgent, type SimAgent } from './sim-agent.js';
import { createSimStats, inFlight, type SimStats } from './sim-stats.js';
import { buildSummary, type SimSummary } from './summary.js';
import { createTimerWheel } from './timer-wheel.js';

/** What a run depends on besides its options; tests replace `write` to keep their output quiet. */
export interface SimDeps {
  readonly random: Random;
  /** Fresh boot ids, unique across runs (see SimAgentDeps). */
  readonly newBootId: () => string;
  readonly clock: () => number;
  readonly now: () => number;
  /** Where progress lines and fault logs go (one line per call). */
  readonly write: (line: string) => void;
}

/** A simulation in progress. */
export interface Simulation {
  readonly stats: SimStats;
  readonly agents: readonly SimAgent[];
  /** Apply a fault command line now (stdin, tests). */
  inject(text: string, source?: FaultSource): ParseResult<FaultEvent>;
  /** The progress line, now. */
  progress(): string;
  /** Stop (idempotent): close every socket cleanly, then settle with the summary. */
  stop(reason: string): Promise<SimSummary>;
  /** Settles with the summary once the run is over (duration, `stop`). */
  readonly done: Promise<SimSummary>;
}

const CLOSE_GRACE_MS = 3000;
/** How late a report may leave: the wheel's tick. */
const WHEEL_TICK_MS = 2;
const VALIDATED_SAMPLES = 5;

/** Wall clock, monotonic clock, seeded random and stdout. */
export function defaultSimDeps(seed: number): SimDeps {
  return {
    random: createRandom(seed),
    newBootId: () => `sim-${randomBytes(15).toString('base64url')}`,
    clock: Date.now,
    now: () => performance.now(),
    write: (line) => process.stdout.write(`${line}\n`),
  };
}

function wsUrlOf(hubUrl: string): string {
  const url = new URL('/api/v1/agent/ws', hubUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * Enrol (or load) the fleet, then open its connections over the ramp and report until the duration
 * ends or `stop` is called. Fails only before any socket is opened (enrolment, invalid samples).
 */
export async function startSimulation(
  options: SimOptions,
  deps: SimDeps = defaultSimDeps(options.seed),
): Promise<ParseResult<Simulation>> {
  const credentialsFile = options.credentialsFile ?? defaultCredentialsFile(options.hubUrl, options.agents);
  const enrolled = await enrolFleet(
    {
      hubUrl: options.hubUrl,
      token: options.token,
      agents: options.agents,
      client: options.client,
      sites: options.sites,
      credentialsFile,
      fresh: options.fresh,
      concurrency: options.enrolConcurrency,
    },
    deps.clock,
  );
  if (!enrolled.ok) return enrolled;
  const cpuAtStart = process.cpuUsage();
  deps.write(
    enrolled.cached
      ? `${enrolled.agents.length} agents from ${credentialsFile}`
      : `enrolled ${enrolled.agents.length} agents in ${formatDuration(enrolled.durationMs)} (cached in ${credentialsFile})`,
  );

  const enrolment = { cached: enrolled.cached, durationMs: enrolled.durationMs };
  const stats = createSimStats();
  const wsUrl = wsUrlOf(options.hubUrl);
  const wallStart = deps.clock();
  const reportsFrom = deps.now() + options.reportsAfterMs;
  const wheel = createTimerWheel({
    now: deps.now,
    tickMs: WHEEL_TICK_MS,
    setInterval: (fn, ms) => setInterval(fn, ms),
    clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
  });
  // Hosts booted some time ago, at different times.
  const agents = enrolled.agents.map((identity) => {
    const random = forkRandom(deps.random);
    const bootTime = Math.round(wallStart - (1 + random() * 30) * 86_400_000);
    const generator = createSampleGenerator(identity, random, bootTime);
    return createSimAgent(identity, {
      wsUrl,
      newBootId: deps.newBootId,
      intervalMs: options.intervalMs,
      random,
      clock: deps.clock,
      now: deps.now,
      stats,
      generator,
      wheel,
      checksEveryMs: options.checksEveryMs,
      reportsFrom,
      zeroMask: options.zeroMask,
      sampleDelta: options.sampleDelta,
    });
  });

  // A generator bug would make the hub close every socket with 4002: better to say so up front.
  const probe = createSampleGenerator(
    enrolled.agents[0]!,
    createRandom(options.seed),
    wallStart - 86_400_000,
  );
  for (let i = 0; i < VALIDATED_SAMPLES; i += 1) {
    const checked = sampleSchema.safeParse(probe.next(wallStart + i * options.intervalMs));
    if (!checked.success) {
      wheel.stop();
      return { ok: false, error: `generated sample is invalid: ${checked.error.message}` };
    }
  }

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const startedAt = deps.now();
  const injector = createFaultInjector({
    agents,
    random: forkRandom(deps.random),
    clock: deps.clock,
    elapsed: () => deps.now() - startedAt,
  });
  const progress = createProgressReporter(stats, agents.length, deps.now, startedAt);
  const timers: NodeJS.Timeout[] = [];
  let authHintShown = false;

  const logFault = (event: FaultEvent) =>
    deps.write(
      `fault ${event.atIso} +${formatDuration(event.elapsedMs)} [${event.source}] ${event.command} → ${event.applied}/${event.requested} agents` +
        (event.hosts.length > 0
          ? ` (${event.hosts
              .slice(0, 5)
              .map((h) => h.hostname)
              .join(', ')}${event.hosts.length > 5 ? ', …' : ''})`
          : ''),
    );

  // Ramp: agent i opens at i/N of the ramp, so hellos arrive at a steady rate.
  agents.forEach((agent, i) => {
    const delay = agents.length > 1 ? (options.rampMs * i) / agents.length : 0;
    if (delay === 0) agent.start();
    else timers.push(setTimeout(() => agent.start(), delay));
  });
  for (const fault of options.faults) {
    timers.push(
      setTimeout(() => logFault(injector.apply(fault.command, fault.text, 'schedule')), fault.atMs),
    );
  }
  const progressTimer = setInterval(() => {
    deps.write(progress.line());
    if (!authHintShown && stats.refused > 0 && stats.welcomes === 0) {
      authHintShown = true;
      deps.write(
        `the hub refuses these credentials: if it was reset, rerun with --fresh (or delete ${credentialsFile})`,
      );
    }
  }, options.progressMs);

  let resolveDone: (summary: SimSummary) => void = () => {};
  const done = new Promise<SimSummary>((resolve) => {
    resolveDone = resolve;
  });
  let stopping: Promise<SimSummary> | undefined;

  async function stop(reason: string): Promise<SimSummary> {
    if (stopping) return stopping;
    stopping = (async () => {
      for (const timer of timers) clearTimeout(timer);
      clearInterval(progressTimer);
      const endedWall = deps.clock();
      const unacked = inFlight(stats);
      await Promise.all(agents.map((agent) => agent.stop(CLOSE_GRACE_MS)));
      wheel.stop();
      loopDelay.disable();
      const cpu = process.cpuUsage(cpuAtStart);
      const summary = buildSummary({
        options,
        stats,
        startedAt: wallStart,
        endedAt: endedWall,
        stoppedBy: reason,
        enrolment,
        loopDelay: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
        faults: injector.events,
        inFlightAtEnd: unacked,
        cpuSec: (cpu.user + cpu.system) / 1e6,
      });
      resolveDone(summary);
      return summary;
    })();
    return stopping;
  }

  if (options.durationMs !== undefined)
    timers.push(setTimeout(() => void stop('duration'), options.durationMs));

  return {
    ok: true,
    value: {
      stats,
      agents,
      inject(text, source = 'api') {
        const command = parseFaultCommand(text);
        if (!command.ok) return command;
        const event = injector.apply(command.value, text.trim().replace(/\s+/g, ' '), source);
        logFault(event);
        return { ok: true, value: event };
      },
      progress: () => progress.line(),
      stop,
      done,
    },
  };
}

/** Run to the end (duration or `stop` from elsewhere) and return the summary. */
export async function runSimulation(options: SimOptions, deps?: SimDeps): Promise<ParseResult<SimSummary>> {
  const started = await startSimulation(options, deps);
  if (!started.ok) return started;
  return { ok: true, value: await started.value.done };
}
