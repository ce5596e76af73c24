import { describe, expect, it } from 'vitest';
import { createLatencyHistogram } from './latency-histogram.js';
import { createRandom } from './random.js';

/** Nearest-rank percentile of a sorted array: the definition the histogram approximates. */
function reference(sorted: readonly number[], p: number): number {
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

describe('latency histogram', () => {
  it('reports NaN percentiles before anything is recorded', () => {
    const snapshot = createLatencyHistogram().snapshot();
    expect(snapshot.count).toBe(0);
    expect(snapshot.p99).toBeNaN();
  });

  describe('matches a sorted reference within its 1 % precision', () => {
    const shapes: Record<string, (random: () => number) => number> = {
      'uniform 0–100 ms': (random) => random() * 100,
      'log-normal around 5 ms with a long tail': (random) =>
        Math.exp(Math.log(5) + 1.2 * (random() + random() + random() - 1.5)),
      'bimodal: fast commits and 1–3 s stalls': (random) =>
        random() < 0.97 ? 1 + random() * 4 : 1000 + random() * 2000,
    };
    for (const [name, draw] of Object.entries(shapes)) {
      it(name, () => {
        const random = createRandom(42);
        const histogram = createLatencyHistogram();
        const values = Array.from({ length: 20_000 }, () => draw(random));
        for (const value of values) histogram.record(value);
        const sorted = [...values].sort((a, b) => a - b);
        for (const p of [1, 25, 50, 90, 99, 99.9]) {
          const expected = reference(sorted, p);
          expect(Math.abs(histogram.percentile(p) - expected) / expected, `p${p}`).toBeLessThanOrEqual(0.01);
        }
        const snapshot = histogram.snapshot();
        expect(snapshot.max).toBe(sorted.at(-1));
        expect(snapshot.min).toBe(sorted[0]);
        expect(snapshot.count).toBe(values.length);
      });
    }
  });

  it('keeps exact max for values beyond its range and ignores negative or non-finite ones', () => {
    const histogram = createLatencyHistogram({ highestMs: 1000 });
    histogram.record(5);
    histogram.record(50_000);
    histogram.record(-1);
    histogram.record(Number.NaN);
    expect(histogram.count).toBe(2);
    expect(histogram.snapshot().max).toBe(50_000);
    expect(histogram.percentile(100)).toBe(50_000);
  });

  it('forgets everything on reset', () => {
    const histogram = createLatencyHistogram();
    histogram.record(3);
    histogram.reset();
    histogram.record(7);
    expect(histogram.snapshot()).toMatchObject({ count: 1, min: 7, max: 7, p50: 7 });
  });
});
