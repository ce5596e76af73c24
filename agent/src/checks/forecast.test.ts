import { describe, expect, it } from 'vitest';
import {
  createUsageHistory,
  leastSquares,
  NEVER_FULL_SEC,
  timeToFullSec,
  type UsagePoint,
} from './forecast.js';

const GIB = 1024 ** 3;
const T0 = 1_764_000_000_000;
const OPTIONS = { minPoints: 12, minSpanSec: 900 };

/** One point every 10 s for `minutes`, used bytes from `usedAt(second)`. */
function series(minutes: number, usedAt: (second: number) => number): UsagePoint[] {
  return Array.from({ length: minutes * 6 + 1 }, (_, i) => ({
    at: T0 + i * 10_000,
    usedBytes: usedAt(i * 10),
  }));
}
const end = (points: readonly UsagePoint[]) => points[points.length - 1]!.at;

describe('timeToFullSec', () => {
  it('never forecasts a constant filesystem as filling', () => {
    const points = series(60, () => 90 * GIB);
    expect(timeToFullSec(points, 100 * GIB, end(points), OPTIONS)).toBe(NEVER_FULL_SEC);
  });

  it('forecasts a filesystem filling at 1 GiB per minute with 30 GiB left as full in 30 minutes', () => {
    const points = series(60, (second) => 10 * GIB + (second / 60) * GIB);
    // At the last point 70 GiB are used out of 100.
    expect(timeToFullSec(points, 100 * GIB, end(points), OPTIONS)).toBe(30 * 60);
  });

  it('never forecasts an emptying filesystem as filling', () => {
    const points = series(60, (second) => 90 * GIB - second * 1024 * 1024);
    expect(timeToFullSec(points, 100 * GIB, end(points), OPTIONS)).toBe(NEVER_FULL_SEC);
  });

  it('fits through noise: a filling trend with ±1 GiB jitter lands near the true time', () => {
    const points = series(60, (second) => 10 * GIB + (second / 60) * GIB + (second % 20 === 0 ? GIB : -GIB));
    const seconds = timeToFullSec(points, 100 * GIB, end(points), OPTIONS)!;
    expect(Math.abs(seconds - 30 * 60)).toBeLessThan(90);
  });

  it('evaluates the line at `now`, so time spent since the last point counts', () => {
    const points = series(60, (second) => 10 * GIB + (second / 60) * GIB);
    expect(timeToFullSec(points, 100 * GIB, end(points) + 10 * 60_000, OPTIONS)).toBe(20 * 60);
    expect(timeToFullSec(points, 100 * GIB, end(points) + 60 * 60_000, OPTIONS)).toBe(0);
  });

  it('makes no forecast from too few points or too short a span', () => {
    const few = series(60, (second) => second * GIB).filter((_, i) => i % 60 === 0);
    expect(few).toHaveLength(7);
    expect(timeToFullSec(few, 100 * GIB, end(few), OPTIONS)).toBeNull();
    const short = series(10, (second) => second * GIB);
    expect(timeToFullSec(short, 1000 * GIB, end(short), OPTIONS)).toBeNull();
  });
});

describe('leastSquares', () => {
  it('recovers an exact line and gives a flat line for a single x', () => {
    expect(
      leastSquares([
        [0, 1],
        [1, 3],
        [2, 5],
      ]),
    ).toEqual({ slope: 2, intercept: 1 });
    expect(
      leastSquares([
        [4, 1],
        [4, 3],
      ]).slope,
    ).toBe(0);
  });
});

describe('createUsageHistory', () => {
  it('keeps only the last window and at most one point per window/maxPoints', () => {
    const history = createUsageHistory({ windowSec: 3600, maxPoints: 360 });
    for (let second = 0; second <= 2 * 3600; second += 1)
      history.record('/var', { at: T0 + second * 1000, usedBytes: second });
    const points = history.points('/var', T0 + 2 * 3600 * 1000);
    expect(points.length).toBeLessThanOrEqual(361);
    expect(points.length).toBeGreaterThan(350);
    expect(points[0]!.at).toBeGreaterThanOrEqual(T0 + 3600 * 1000);
  });

  it('forgets mounts not seen since a given time', () => {
    const history = createUsageHistory({ windowSec: 3600 });
    history.record('/mnt/usb', { at: T0, usedBytes: 1 });
    history.record('/var', { at: T0 + 600_000, usedBytes: 1 });
    history.prune(T0 + 1);
    expect(history.points('/mnt/usb', T0 + 600_000)).toEqual([]);
    expect(history.points('/var', T0 + 600_000)).toHaveLength(1);
  });
});
