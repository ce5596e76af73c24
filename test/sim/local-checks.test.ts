import type { CheckRule } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { planFleet } from './fleet-plan.js';
import { createSimLocalChecks } from './local-checks.js';
import { createRandom } from './random.js';
import { createSampleGenerator } from './sample-generator.js';

const T0 = Date.UTC(2026, 11, 7);
const CPU_RULE: CheckRule = {
  kind: 'cpu.busy',
  enabled: true,
  direction: 'above',
  warning: { trigger: 90, clear: 80 },
  critical: null,
  forSec: 4,
  clearForSec: 4,
};

describe('simulated agent checks (the agent’s own code)', () => {
  it('reports a breach after the rule’s for, and its clear after the clear hold', () => {
    const [host] = planFleet('checks', 1, 1);
    const generator = createSampleGenerator(host!, createRandom(5), T0 - 86_400_000);
    const checks = createSimLocalChecks([CPU_RULE]);
    const changesAt = (at: number, cpu?: number) =>
      checks
        .evaluate(generator.next(at, cpu === undefined ? {} : { cpu }), at)
        .filter((c) => c.check === 'cpu.busy');

    expect(changesAt(T0, 10)).toEqual([]);
    expect(changesAt(T0 + 2_000, 99)).toEqual([]);
    expect(changesAt(T0 + 4_000, 99)).toEqual([]);
    expect(changesAt(T0 + 6_000, 99)).toEqual([
      { check: 'cpu.busy', state: 'warning', previous: 'ok', value: 99, threshold: 90 },
    ]);
    expect(changesAt(T0 + 8_000, 10)).toEqual([]);
    expect(changesAt(T0 + 12_000, 10)).toEqual([
      expect.objectContaining({ check: 'cpu.busy', state: 'ok', previous: 'warning' }),
    ]);
  });
});
