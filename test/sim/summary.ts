import type { SimOptions } from './args.js';
import { formatDuration } from './duration.js';
import type { FaultEvent } from './faults.js';
import type { LatencySnapshot } from './latency-histogram.js';
import type { SimStats } from './sim-stats.js';

/** What a run achieved; printed at the end and written by `--json`. */
export interface SimSummary {
  readonly hub: string;
  readonly agents: number;
  readonly intervalSec: number;
  readonly seed: number;
  readonly startedAt: string;
  readonly endedAt: string;
  /** From the first connection attempt to the stop (ramp included). */
  readonly runSec: number;
  readonly stoppedBy: string;
  readonly enrolment: { readonly cached: boolean; readonly durationMs: number };
  readonly connections: {
    readonly welcomed: number;
    readonly peak: number;
    readonly atEnd: number;
    readonly reconnects: number;
    readonly refused: number;
    /** [epoch second, welcomes in it], in order: connects per second during a reconnection. */
    readonly welcomesBySecond: readonly (readonly [number, number])[];
  };
  readonly messages: {
    readonly metricsSent: number;
    /** Mean size of a metrics frame, characters (bytes: the JSON is ASCII). */
    readonly metricsMeanChars: number;
    readonly checkStatesSent: number;
    readonly acked: number;
    readonly sentPerSec: number;
    readonly ackedPerSec: number;
    /** Sent, never acknowledged, socket closed (our stop included). */
    readonly unackedAtClose: number;
    readonly inFlightAtEnd: number;
    readonly unmeasured: number;
  };
  /** Send→ack, ms: the hub acknowledges after the commit. */
  readonly latencyMs: LatencySnapshot;
  readonly errors: {
    readonly socket: number;
    readonly hubFrames: number;
    /** Close codes of closes we did not cause, by code. */
    readonly closeCodes: Readonly<Record<string, number>>;
  };
  /** The simulator's own event-loop delay: when high, latencies above include the simulator's lag. */
  readonly simEventLoopDelayMs: { readonly p99: number; readonly max: number };
  /** The simulator's own CPU (user + system) from the first connection to the end, and per message sent. */
  readonly simCpu: { readonly seconds: number; readonly msPerMessage: number | null };
  /** Connections whose reports were encoded one by one, their template not usable (0 expected). */
  readonly untemplatedConnections: number;
  readonly faults: readonly FaultEvent[];
}

export interface SummaryInput {
  readonly options: SimOptions;
  readonly stats: SimStats;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly stoppedBy: string;
  readonly enrolment: { readonly cached: boolean; readonly durationMs: number };
  readonly loopDelay: { readonly p99: number; readonly max: number };
  readonly faults: readonly FaultEvent[];
  readonly inFlightAtEnd: number;
  /** CPU seconds the simulator used over the run. */
  readonly cpuSec: number;
}

const round = (x: number, digits = 2) =>
  Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x;

/** Assemble the summary from the run's counters. */
export function buildSummary(input: SummaryInput): SimSummary {
  const { stats, options } = input;
  const runSec = (input.endedAt - input.startedAt) / 1000;
  const latency = stats.latency.snapshot();
  const sent = stats.metricsSent + stats.checkStatesSent;
  return {
    hub: options.hubUrl,
    agents: options.agents,
    intervalSec: options.intervalMs / 1000,
    seed: options.seed,
    startedAt: new Date(input.startedAt).toISOString(),
    endedAt: new Date(input.endedAt).toISOString(),
    runSec: round(runSec, 1),
    stoppedBy: input.stoppedBy,
    enrolment: input.enrolment,
    connections: {
      welcomed: stats.welcomes,
      peak: stats.peakConnected,
      atEnd: stats.connected,
      reconnects: stats.reconnects,
      refused: stats.refused,
      welcomesBySecond: [...stats.welcomesBySecond].sort((a, b) => a[0] - b[0]),
    },
    messages: {
      metricsSent: stats.metricsSent,
      metricsMeanChars: round(stats.metricsChars / Math.max(stats.metricsSent, 1), 0),
      checkStatesSent: stats.checkStatesSent,
      acked: stats.acked,
      sentPerSec: round((stats.metricsSent + stats.checkStatesSent) / Math.max(runSec, 0.001), 1),
      ackedPerSec: round(stats.acked / Math.max(runSec, 0.001), 1),
      unackedAtClose: stats.lostUnacked,
      inFlightAtEnd: input.inFlightAtEnd,
      unmeasured: stats.unmeasured,
    },
    latencyMs: {
      count: latency.count,
      min: round(latency.min),
      mean: round(latency.mean),
      p50: round(latency.p50),
      p90: round(latency.p90),
      p99: round(latency.p99),
      max: round(latency.max),
    },
    errors: {
      socket: stats.socketErrors,
      hubFrames: stats.hubErrors,
      closeCodes: Object.fromEntries([...stats.closeCodes].map(([code, n]) => [String(code), n])),
    },
    simEventLoopDelayMs: { p99: round(input.loopDelay.p99), max: round(input.loopDelay.max) },
    simCpu: {
      seconds: round(input.cpuSec, 3),
      msPerMessage: sent > 0 ? round((input.cpuSec * 1000) / sent, 4) : null,
    },
    untemplatedConnections: stats.untemplated,
    faults: input.faults,
  };
}

/** The summary for a terminal. */
export function formatSummary(s: SimSummary): string {
  const l = s.latencyMs;
  const codes =
    Object.entries(s.errors.closeCodes)
      .map(([code, n]) => `${code}×${n}`)
      .join(' ') || 'none';
  return [
    `summary: ${s.agents} agents every ${s.intervalSec}s against ${s.hub}, ${formatDuration(s.runSec * 1000)} (${s.stoppedBy})`,
    `  enrolment    ${s.enrolment.cached ? 'from the credentials cache' : `enrolled in ${formatDuration(s.enrolment.durationMs)}`}`,
    `  connections  welcomed ${s.connections.welcomed}, peak ${s.connections.peak}, at end ${s.connections.atEnd}, reconnects ${s.connections.reconnects}, refused ${s.connections.refused}`,
    `  messages     metrics ${s.messages.metricsSent} (mean ${s.messages.metricsMeanChars} B), checkStates ${s.messages.checkStatesSent}, acked ${s.messages.acked} (${s.messages.sentPerSec}/s sent, ${s.messages.ackedPerSec}/s acked), unacked at close ${s.messages.unackedAtClose}`,
    `  send→ack ms  p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  max ${l.max}  (n=${l.count})`,
    `  errors       socket ${s.errors.socket}, bad hub frames ${s.errors.hubFrames}, close codes ${codes}`,
    `  simulator    event-loop delay p99 ${s.simEventLoopDelayMs.p99} ms, max ${s.simEventLoopDelayMs.max} ms, CPU ${s.simCpu.seconds} s (${s.simCpu.msPerMessage ?? '–'} ms per message sent)${s.untemplatedConnections > 0 ? `, ${s.untemplatedConnections} connections encoded without a template` : ''}`,
    `  faults       ${s.faults.length === 0 ? 'none' : s.faults.map((f) => `+${formatDuration(f.elapsedMs)} ${f.command} (${f.applied})`).join(', ')}`,
  ].join('\n');
}
