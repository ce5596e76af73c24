import { formatDuration } from './duration.js';
import { inFlight, type SimStats } from './sim-stats.js';

/** Prints one progress line per call, with rates over the time since the previous one. */
export interface ProgressReporter {
  line(): string;
}

/** Rates and the window p99 are computed between two calls; the window histogram is reset each time. */
export function createProgressReporter(
  stats: SimStats,
  agents: number,
  now: () => number,
  startedAt: number,
): ProgressReporter {
  let lastAt = now();
  let lastSent = 0;
  let lastAcked = 0;
  return {
    line() {
      const t = now();
      const seconds = Math.max((t - lastAt) / 1000, 0.001);
      const sent = stats.metricsSent + stats.checkStatesSent;
      const window = stats.windowLatency.snapshot();
      const codes = [...stats.closeCodes].map(([code, n]) => `${code}×${n}`).join(' ');
      const line = `[${formatDuration(t - startedAt).padStart(6)}] ${[
        `connected ${stats.connected}/${agents}`,
        `sent ${((sent - lastSent) / seconds).toFixed(1)}/s`,
        `acked ${((stats.acked - lastAcked) / seconds).toFixed(1)}/s`,
        `in-flight ${inFlight(stats)}`,
        `p99 ${Number.isNaN(window.p99) ? '-' : `${window.p99.toFixed(1)}ms`} (all ${Number.isNaN(stats.latency.percentile(99)) ? '-' : `${stats.latency.percentile(99).toFixed(1)}ms`})`,
        `errors ${stats.socketErrors + stats.hubErrors}`,
        ...(codes ? [`closes ${codes}`] : []),
        ...(stats.refused > 0 ? [`refused ${stats.refused}`] : []),
      ].join(' | ')}`;
      lastAt = t;
      lastSent = sent;
      lastAcked = stats.acked;
      stats.windowLatency.reset();
      return line;
    },
  };
}
