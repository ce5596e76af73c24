import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { metricsSchema } from './agent/metrics.js';
import { decodeAgentMessage } from './codec.js';
import { sampleSchema } from './sample.js';

// The salvage path for metrics is hand-written around the schema of record: whatever the samples,
// it must keep exactly those `sampleSchema` accepts, in order, and agree with `metricsSchema` when
// every sample is valid.

const number = fc.oneof(
  fc.double({ noNaN: false }),
  fc.constantFrom(0, 1, 100, 1e15, 2 ** 60, 2 ** 60 + 2 ** 10, 1e308, -1, 8.64e15, 8.64e15 + 1),
);
const memory = fc.record({
  totalBytes: number,
  usedBytes: number,
  availableBytes: number,
  usedPct: number,
  swapTotalBytes: number,
  swapUsedBytes: number,
  swapUsedPct: number,
});
const cpu = fc.record({
  usagePct: number,
  perCorePct: fc.array(number, { maxLength: 3 }),
  load: fc.tuple(number, number, number),
});
const sample = fc.record(
  { at: fc.oneof(fc.integer({ min: -10, max: 2e12 }), number), cpu, memory },
  { requiredKeys: ['at'] },
);

describe('decodeAgentMessage on metrics, against sampleSchema', () => {
  it('keeps exactly the samples the schema accepts, and refuses the others by index', () => {
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 6 }), (samples) => {
        const frame = JSON.stringify({ type: 'metrics', bootId: 'boot_prop_0001', seq: 1, samples });
        const wire = JSON.parse(frame) as { samples: unknown[] };
        const expected = wire.samples.flatMap((s) => {
          const parsed = sampleSchema.safeParse(s);
          return parsed.success ? [parsed.data] : [];
        });
        const result = decodeAgentMessage(frame);
        expect(result.ok).toBe(true);
        if (!result.ok || result.value.type !== 'metrics') return;
        expect(result.value.samples).toEqual(expected);
        const refused = result.refusedSamples ?? [];
        expect(refused.length + expected.length).toBe(wire.samples.length);
        if (refused.length === 0) expect(metricsSchema.safeParse(JSON.parse(frame)).success).toBe(true);
        for (const r of refused) expect(sampleSchema.safeParse(wire.samples[r.index]).success).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
