/** How many report intervals without a sample make a gap a chart must show (issue 17). */
export const GAP_FACTOR = 2.5;

/**
 * The points with an all-null point inserted wherever two neighbours are further apart than
 * `GAP_FACTOR` report intervals, so a chart breaks its line there instead of drawing a straight
 * segment across a stop. The interval is the median spacing of the points themselves (the agent's
 * report interval, or the bucket width when the range is bucketed): no setting to keep in step,
 * and one late report does not move a median. `hole(at)` builds the all-null point.
 */
export function withGaps<P extends { readonly at: number }>(
  points: readonly P[],
  minIntervalMs: number,
  hole: (at: number) => P,
): P[] {
  if (points.length < 3) return [...points];
  const spacings = points
    .slice(1)
    .map((p, i) => p.at - (points[i] as P).at)
    .sort((a, b) => a - b);
  const median = spacings[Math.floor(spacings.length / 2)] ?? 0;
  const limit = GAP_FACTOR * Math.max(median, minIntervalMs);
  const out: P[] = [points[0] as P];
  for (let i = 1; i < points.length; i++) {
    const prev = points[i - 1] as P;
    const next = points[i] as P;
    if (next.at - prev.at > limit) {
      out.push(hole(Math.round((prev.at + next.at) / 2)));
    }
    out.push(next);
  }
  return out;
}
