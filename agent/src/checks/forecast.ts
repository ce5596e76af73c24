/** One reading of a filesystem's used space. */
export interface UsagePoint {
  readonly at: number;
  readonly usedBytes: number;
}

export interface ForecastOptions {
  /** Fewer points than this: no forecast. */
  readonly minPoints: number;
  /** The points must span at least this long. */
  readonly minSpanSec: number;
}

/**
 * What "not filling" reports: a time-to-full far beyond any horizon, so a forecast warning clears when
 * a filesystem stops growing. A number, not Infinity, because it travels in JSON.
 */
export const NEVER_FULL_SEC = 365 * 86_400;

/**
 * Seconds until `sizeBytes` are used, from a least-squares line through `points` evaluated at `now`
 * (Zabbix timeleft, Prometheus predict_linear). Null when there are too few points or they span too
 * short a time; NEVER_FULL_SEC when the line is flat or falling. Pure.
 */
export function timeToFullSec(
  points: readonly UsagePoint[],
  sizeBytes: number,
  now: number,
  options: ForecastOptions,
): number | null {
  if (points.length < Math.max(2, options.minPoints)) return null;
  const first = points[0]!.at;
  const last = points[points.length - 1]!.at;
  if (last - first < options.minSpanSec * 1000 || last === first) return null;
  const fit = leastSquares(points.map((p) => [(p.at - first) / 1000, p.usedBytes] as const));
  if (fit.slope <= 0) return NEVER_FULL_SEC;
  const usedNow = fit.intercept + fit.slope * ((now - first) / 1000);
  const seconds = (sizeBytes - usedNow) / fit.slope;
  return Math.min(NEVER_FULL_SEC, Math.max(0, Math.round(seconds)));
}

/** Slope and intercept of the least-squares line through `xy` (x centred to keep precision). */
export function leastSquares(xy: ReadonlyArray<readonly [number, number]>): {
  slope: number;
  intercept: number;
} {
  const n = xy.length;
  const meanX = xy.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = xy.reduce((sum, [, y]) => sum + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of xy) {
    sxy += (x - meanX) * (y - meanY);
    sxx += (x - meanX) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: meanY - slope * meanX };
}

/** Per-mount history of used bytes over a sliding window. */
export interface UsageHistory {
  record(mount: string, point: UsagePoint): void;
  /** The points of `mount` within the window ending at `now`, oldest first. */
  points(mount: string, now: number): readonly UsagePoint[];
  /** Forgets mounts not recorded since `before` (unmounted). */
  prune(before: number): void;
}

/**
 * Bounded: at most `maxPoints` per mount, one every `windowSec / maxPoints` at most, so a 1 s cycle
 * keeps the same memory as a 10 s one. Older points fall out of the window as time passes.
 */
export function createUsageHistory(options: { windowSec: number; maxPoints?: number }): UsageHistory {
  const maxPoints = options.maxPoints ?? 360;
  const windowMs = options.windowSec * 1000;
  const minGapMs = windowMs / maxPoints;
  const byMount = new Map<string, UsagePoint[]>();

  const trim = (points: UsagePoint[], now: number) => {
    while (points.length > 0 && (points[0]!.at < now - windowMs || points.length > maxPoints)) points.shift();
  };

  return {
    record(mount, point) {
      const points = byMount.get(mount) ?? [];
      const last = points[points.length - 1];
      if (last && point.at - last.at < minGapMs) return;
      points.push(point);
      trim(points, point.at);
      byMount.set(mount, points);
    },
    points(mount, now) {
      const points = byMount.get(mount) ?? [];
      trim(points, now);
      return points;
    },
    prune(before) {
      for (const [mount, points] of byMount) {
        const last = points[points.length - 1];
        if (!last || last.at < before) byMount.delete(mount);
      }
    },
  };
}
