import { sampleSchema } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { planFleet } from './fleet-plan.js';
import { createRandom, forkRandom } from './random.js';
import { createSampleGenerator } from './sample-generator.js';

const T0 = Date.UTC(2026, 10, 25);
const BOOT = T0 - 3 * 86_400_000;

describe('sample generator', () => {
  it('makes samples that pass sampleSchema for every host of a varied fleet, over many cycles', () => {
    const random = createRandom(7);
    for (const host of planFleet('test', 60, 4)) {
      const generator = createSampleGenerator(host, forkRandom(random), BOOT);
      for (let cycle = 0; cycle < 25; cycle += 1) {
        const sample = generator.next(T0 + cycle * 10_000);
        const parsed = sampleSchema.safeParse(sample);
        expect(parsed.success, parsed.success ? '' : `${host.hostname}: ${parsed.error.message}`).toBe(true);
      }
    }
  });

  it('has 2–16 cores, 2–6 filesystems and 1–3 interfaces, and a sample fits in about 1 KB', () => {
    const random = createRandom(3);
    for (const host of planFleet('test', 40, 2)) {
      const sample = createSampleGenerator(host, forkRandom(random), BOOT).next(T0);
      expect(sample.cpu!.perCorePct.length).toBeGreaterThanOrEqual(2);
      expect(sample.cpu!.perCorePct.length).toBeLessThanOrEqual(16);
      expect(sample.filesystems!.length).toBeGreaterThanOrEqual(2);
      expect(sample.filesystems!.length).toBeLessThanOrEqual(6);
      expect(sample.network!.length).toBeGreaterThanOrEqual(1);
      expect(sample.network!.length).toBeLessThanOrEqual(3);
      expect(JSON.stringify(sample).length).toBeLessThan(2048);
    }
  });

  it('wanders slowly: CPU moves by a few points per cycle, not at random across 0–100', () => {
    const host = planFleet('test', 1, 1)[0]!;
    const generator = createSampleGenerator(host, createRandom(11), BOOT);
    let previous = generator.next(T0).cpu!.usagePct;
    for (let cycle = 1; cycle < 200; cycle += 1) {
      const current = generator.next(T0 + cycle * 10_000).cpu!.usagePct;
      expect(Math.abs(current - previous)).toBeLessThanOrEqual(4.1);
      previous = current;
    }
  });

  it('replays the same values from the same seed', () => {
    const host = planFleet('test', 1, 1)[0]!;
    const run = () => {
      const generator = createSampleGenerator(host, createRandom(5), BOOT);
      return [0, 1, 2].map((i) => generator.next(T0 + i * 1000));
    };
    expect(run()).toEqual(run());
  });

  it('keeps every changing number in its slots: build(values) after step is what next returns', () => {
    const host = planFleet('test', 3, 1)[2]!;
    const stepped = createSampleGenerator(host, createRandom(8), BOOT);
    const nexted = createSampleGenerator(host, createRandom(8), BOOT);
    for (let cycle = 0; cycle < 20; cycle += 1) {
      stepped.step(T0 + cycle * 10_000);
      expect(stepped.build(stepped.values)).toEqual(nexted.next(T0 + cycle * 10_000));
    }
    // Every slot shows up in the sample: a template marks each one (report-template.ts).
    const marked = Float64Array.from(stepped.values, (_, i) => 1e12 + i);
    const text = JSON.stringify(stepped.build(marked));
    for (let i = 0; i < marked.length; i += 1) expect(text).toContain(String(1e12 + i));
  });

  it('reports an override instead of the walk, and still passes the schema', () => {
    const host = planFleet('test', 1, 1)[0]!;
    const generator = createSampleGenerator(host, createRandom(5), BOOT);
    const sample = generator.next(T0, { cpu: 97, mem: 99, disk: 96 });
    expect(sample.cpu!.usagePct).toBe(97);
    expect(sample.memory!.usedPct).toBe(99);
    expect(sample.filesystems![0]!.usedPct).toBe(96);
    expect(sampleSchema.safeParse(sample).success).toBe(true);
  });
});

describe('fleet plan', () => {
  it('spreads hosts over the sites with stable names and fingerprints, one in ten a server', () => {
    const plan = planFleet('acme', 100, 4);
    expect(plan.filter((host) => host.role === 'server')).toHaveLength(10);
    expect(new Set(plan.map((host) => host.site))).toEqual(
      new Set(['site-01', 'site-02', 'site-03', 'site-04']),
    );
    expect(plan.filter((host) => host.site === 'site-02')).toHaveLength(25);
    expect(plan[1]!.hostname).toBe('sim-site-02-0001');
    expect(new Set(plan.map((host) => host.fingerprint)).size).toBe(100);
    expect(planFleet('acme', 100, 4)).toEqual(plan);
  });
});
