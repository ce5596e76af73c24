import { createLatencyHistogram, type LatencyHistogram } from './latency-histogram.js';

/** Counters every simulated agent adds to; read by the progress line and the summary. */
export interface SimStats {
  /** Sockets that got their welcome and are reporting (frozen ones included until they close). */
  connected: number;
  peakConnected: number;
  welcomes: number;
  reconnects: number;
  /** Welcomes per wall-clock second (epoch seconds): how a reconnection spreads over time. */
  readonly welcomesBySecond: Map<number, number>;
  /** Agents the hub refused for good (wrong or revoked credential). */
  refused: number;
  metricsSent: number;
  /** Characters of the metrics frames sent (their size on the wire, near enough: JSON is ASCII here). */
  metricsChars: number;
  checkStatesSent: number;
  /** Messages acknowledged (an ack covers every seq up to its own). */
  acked: number;
  /** Messages sent but not acknowledged before their socket closed. */
  lostUnacked: number;
  /** Messages whose send time was dropped because an agent had too many in flight. */
  unmeasured: number;
  socketErrors: number;
  hubErrors: number;
  /** Connections whose reports could not be templated (each report encoded the slow way). */
  untemplated: number;
  readonly closeCodes: Map<number, number>;
  /** Send→ack latency since the start. */
  readonly latency: LatencyHistogram;
  /** Send→ack latency since the last progress line. */
  readonly windowLatency: LatencyHistogram;
  /** Send→ack latency since the last `mark` command (a benchmark's measurement window). */
  readonly markLatency: LatencyHistogram;
}

/** Fresh counters for one run. */
export function createSimStats(): SimStats {
  return {
    connected: 0,
    peakConnected: 0,
    welcomes: 0,
    reconnects: 0,
    welcomesBySecond: new Map(),
    refused: 0,
    metricsSent: 0,
    metricsChars: 0,
    checkStatesSent: 0,
    acked: 0,
    lostUnacked: 0,
    unmeasured: 0,
    socketErrors: 0,
    hubErrors: 0,
    untemplated: 0,
    closeCodes: new Map(),
    latency: createLatencyHistogram(),
    windowLatency: createLatencyHistogram(),
    markLatency: createLatencyHistogram(),
  };
}

/** Messages sent and not yet acknowledged, fleet-wide. */
export function inFlight(stats: SimStats): number {
  return stats.metricsSent + stats.checkStatesSent - stats.acked - stats.lostUnacked;
}
