/** Percentiles of what a histogram recorded, in milliseconds (NaN when it recorded nothing). */
export interface LatencySnapshot {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface LatencyHistogramOptions {
  /** Values below are counted in the first bucket (ms). */
  readonly lowestMs?: number;
  /** Values above are counted in the last bucket; `max` stays exact (ms). */
  readonly highestMs?: number;
  /** Relative width of a bucket: 0.01 bounds every percentile's error to about 0.5 %. */
  readonly precision?: number;
}

export interface LatencyHistogram {
  record(ms: number): void;
  percentile(p: number): number;
  snapshot(): LatencySnapshot;
  reset(): void;
  readonly count: number;
}

/**
 * Log-bucketed histogram (HDR-like): a fixed array of counters whose bucket widths grow with the
 * value, so memory is constant however long a run lasts and every percentile has a bounded
 * relative error. Min and max are kept exactly.
 */
export function createLatencyHistogram(options: LatencyHistogramOptions = {}): LatencyHistogram {
  const lowest = options.lowestMs ?? 0.01;
  const highest = options.highestMs ?? 3_600_000;
  const growth = 1 + (options.precision ?? 0.01);
  const logGrowth = Math.log(growth);
  const size = Math.ceil(Math.log(highest / lowest) / logGrowth) + 1;
  const buckets = new Float64Array(size);
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;

  const indexOf = (ms: number): number => {
    if (ms <= lowest) return 0;
    return Math.min(size - 1, Math.floor(Math.log(ms / lowest) / logGrowth));
  };

  function percentile(p: number): number {
    if (count === 0) return Number.NaN;
    // Nearest rank: the smallest value with at least p % of the values at or below it.
    const rank = Math.max(1, Math.ceil((p / 100) * count));
    if (rank >= count) return max;
    let seen = 0;
    for (let i = 0; i < size; i += 1) {
      seen += buckets[i]!;
      if (seen >= rank) {
        // The geometric middle of the bucket halves the worst-case error.
        const middle = lowest * growth ** (i + 0.5);
        return Math.min(max, Math.max(min, middle));
      }
    }
    return max;
  }

  return {
    record(ms) {
      if (!Number.isFinite(ms) || ms < 0) return;
      buckets[indexOf(ms)]! += 1;
      count += 1;
      sum += ms;
      if (ms < min) min = ms;
      if (ms > max) max = ms;
    },
    percentile,
    snapshot() {
      if (count === 0) {
        return {
          count,
          min: Number.NaN,
          mean: Number.NaN,
          p50: Number.NaN,
          p90: Number.NaN,
          p99: Number.NaN,
          max: Number.NaN,
        };
      }
      return {
        count,
        min,
        mean: sum / count,
        p50: percentile(50),
        p90: percentile(90),
        p99: percentile(99),
        max,
      };
    },
    reset() {
      buckets.fill(0);
      count = 0;
      sum = 0;
      min = Number.POSITIVE_INFINITY;
      max = Number.NEGATIVE_INFINITY;
    },
    get count() {
      return count;
    },
  };
}
