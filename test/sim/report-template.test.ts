import { createWireEncoder } from '@vigie/agent';
import { encodeMessage, type MetricsMessage, STATIC_ON_CHANGE_CAPABILITY } from '@vigie/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planFleet } from './fleet-plan.js';
import { createRandom, forkRandom } from './random.js';
import { createReportTemplate, formatNumber } from './report-template.js';
import { createSampleGenerator, type SampleGenerator } from './sample-generator.js';

const T0 = Date.UTC(2026, 11, 7);
const BOOT = 'sim-boot-of-this-connection';

const messageOf =
  (generator: SampleGenerator) =>
  (values: ArrayLike<number>, seq: number): MetricsMessage => ({
    type: 'metrics',
    bootId: BOOT,
    seq,
    samples: [generator.build(values)],
  });

/** Every frame of one connection, from its second on: the template's against the real encoder's. */
function compareConnection(capabilities: string[], hosts: number, cycles: number) {
  const random = createRandom(19);
  for (const host of planFleet('template', hosts, 3)) {
    const hostRandom = forkRandom(random);
    const generator = createSampleGenerator(host, hostRandom, T0 - 5 * 86_400_000);
    const template = createReportTemplate(
      createWireEncoder({ capabilities }),
      messageOf(generator),
      generator.values.length,
    );
    expect(template, host.hostname).toBeDefined();
    const encode = createWireEncoder({ capabilities });
    for (let seq = 1; seq <= cycles; seq += 1) {
      // Faults too: a breach pins values the walk would not reach.
      const overrides = seq % 5 === 0 ? { cpu: 99, mem: 97.5, disk: 96 } : undefined;
      generator.step(T0 + seq * 10_000 + (seq % 3), overrides);
      const expected = encode({
        type: 'metrics',
        bootId: BOOT,
        seq,
        samples: [generator.build(generator.values)],
      });
      if (seq === 1) continue; // the first frame of a connection is encoded, statics and all
      expect(template!.render(generator.values, seq), `${host.hostname} seq ${seq}`).toBe(expected);
    }
  }
}

describe('report template', () => {
  it('writes exactly the frames the real wire encoder writes (statics on change), fleet-wide', () => {
    compareConnection([STATIC_ON_CHANGE_CAPABILITY], 80, 40);
  });

  it('writes the full frame to a hub that does not carry statics', () => {
    compareConnection([], 20, 10);
    const host = planFleet('template', 1, 1)[0]!;
    const generator = createSampleGenerator(host, createRandom(4), T0);
    const template = createReportTemplate(encodeMessage, messageOf(generator), generator.values.length);
    generator.step(T0);
    expect(template!.render(generator.values, 7)).toBe(
      encodeMessage(messageOf(generator)(generator.values, 7)),
    );
  });

  it('gives up (undefined) when the encoder does not print every slot as it was given', () => {
    const host = planFleet('template', 1, 1)[0]!;
    const generator = createSampleGenerator(host, createRandom(4), T0);
    // An encoder that rounds numbers to what a person reads would turn the markers into others.
    const rounding = (message: MetricsMessage) =>
      JSON.stringify(message, (_key, value) =>
        typeof value === 'number' ? Math.round(value / 1000) : value,
      );
    expect(createReportTemplate(rounding, messageOf(generator), generator.values.length)).toBeUndefined();
    // One that drops a field loses a marker.
    const dropping = (message: MetricsMessage) =>
      JSON.stringify({ ...message, samples: message.samples.map(({ uptime: _u, ...rest }) => rest) });
    expect(createReportTemplate(dropping, messageOf(generator), generator.values.length)).toBeUndefined();
  });
});

describe('formatNumber', () => {
  const same = (value: number) => expect(formatNumber(value), String(value)).toBe(JSON.stringify(value));

  it('prints what JSON.stringify prints for any double', () => {
    fc.assert(
      fc.property(fc.double(), (value) => formatNumber(value) === JSON.stringify(value)),
      {
        numRuns: 20_000,
      },
    );
  });

  it('prints what JSON.stringify prints for the numbers a sample holds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (k) =>
        [k, k / 10, k / 100, Math.round(k / 7) / 10, Math.round(k * 1.37) / 100].every(
          (value) => formatNumber(value) === JSON.stringify(value),
        ),
      ),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(fc.maxSafeInteger(), (value) => formatNumber(value) === JSON.stringify(value)),
      { numRuns: 20_000 },
    );
    for (const value of [
      0,
      -0,
      0.05,
      0.1,
      0.3,
      1.05,
      99.9,
      100,
      2 ** 30,
      2 ** 31,
      1e9,
      1e9 + 1,
      1_000_000_007_000,
    ])
      same(value);
    for (const value of [274_877_906_944, 8_589_934_592, 2 ** 53 - 1, 2 ** 53, 1e21, -1.5, Number.NaN])
      same(value);
  });
});
