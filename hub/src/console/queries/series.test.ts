import { describe, expect, it } from 'vitest';
import { insertSamples } from '../../repositories/samples.js';
import { createTestDeps, enrolTestAgent } from '../../test-support/test-hub.js';
import { bucketedSeries, MAX_CHART_POINTS } from './series.js';

describe('bucketedSeries', () => {
  it('averages a day of 10-second samples into at most MAX_CHART_POINTS points, keeping the disk peak', async () => {
    const deps = await createTestDeps();
    const { hostId } = await enrolTestAgent(deps);
    const from = 1_764_000_000_000;
    const day = 86_400_000;
    // One day of samples every 10 s, the fullest filesystem at 100 % for a single sample.
    const rows = Array.from({ length: 8640 }, (_, i) => ({
      host_id: hostId,
      boot_id: 'boot_series_1',
      seq: i + 1,
      idx: 0,
      at: from + i * 10_000,
      received_at: from + i * 10_000,
      cpu_pct: i % 2 === 0 ? 10 : 30,
      mem_pct: 50,
      swap_pct: 0,
      disk_max_pct: i === 4000 ? 100 : 40,
      load1: 1,
      payload: '{}',
    }));
    for (let i = 0; i < rows.length; i += 500) await insertSamples(deps.db, rows.slice(i, i + 500));

    const points = await bucketedSeries(deps.db, hostId, { from, to: from + day });
    expect(points.length).toBeLessThanOrEqual(MAX_CHART_POINTS + 1);
    expect(points.length).toBeGreaterThan(MAX_CHART_POINTS / 2);
    expect(points[0]?.cpuPct).toBeCloseTo(20, 5);
    expect(Math.max(...points.map((p) => p.diskMaxPct ?? 0))).toBe(100);
    expect(points.map((p) => p.at)).toEqual([...points.map((p) => p.at)].sort((a, b) => a - b));
    await deps.db.destroy();
  });
});
