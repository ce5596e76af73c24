import { describe, expect, it } from 'vitest';
import { withGaps } from './series-gaps.js';

const S = 1000;
const series = (ats: number[]) =>
  ats.map((at): { at: number; cpuPct: number | null } => ({ at, cpuPct: 10 }));
const hole = (at: number) => ({ at, cpuPct: null });

describe('withGaps', () => {
  it('inserts a null point where a 70 s stop interrupts 10 s reports', () => {
    const ats = [0, 10, 20, 30, 40, 110, 120, 130, 140].map((s) => s * S);
    const out = withGaps(series(ats), 0, hole);
    expect(out).toHaveLength(ats.length + 1);
    expect(out[5]).toEqual({ at: 75 * S, cpuPct: null });
    expect(out[4]?.cpuPct).toBe(10);
    expect(out[6]?.cpuPct).toBe(10);
  });

  it('leaves regular reports and a single late one alone', () => {
    const ats = [0, 10, 20, 32, 42, 52, 62].map((s) => s * S);
    expect(withGaps(series(ats), 0, hole)).toHaveLength(ats.length);
  });

  it('never breaks closer than the bucket width it is given', () => {
    const ats = [0, 10, 20, 60, 70].map((s) => s * S);
    expect(withGaps(series(ats), 30 * S, hole)).toHaveLength(ats.length);
    expect(withGaps(series(ats), 0, hole)).toHaveLength(ats.length + 1);
  });
});
