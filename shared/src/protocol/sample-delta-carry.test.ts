import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CarriedSample } from './sample-delta-carry.js';

// The carried sample is kept as a shared shape and its figures (decision 0041): whatever a
// connection carries, one sample after another, it gives back exactly that sample, as new objects.

/** A record as JSON.parse makes it (plain prototypes, an own `__proto__` key possible). */
const record = fc
  .dictionary(fc.oneof(fc.string({ maxLength: 4 }), fc.constant('__proto__')), fc.jsonValue({ maxDepth: 3 }))
  .map((value) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>);

describe('a carried sample', () => {
  it('gives back every sample of any sequence it carried, in its key order', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 8 }), (samples) => {
        const carried = new CarriedSample();
        for (const sample of samples) {
          carried.keep(sample);
          const back = carried.sample();
          expect(back).toStrictEqual(sample);
          expect(JSON.stringify(back)).toBe(JSON.stringify(sample));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('follows lists that grow, shrink and rename their items, and sections that come and go', () => {
    const fs = (mount: string, usedBytes: number) => ({ mount, usedBytes, freeBytes: 1e12 - usedBytes });
    const samples = [
      { at: 1, filesystems: [fs('/', 5e9)] },
      { at: 2, filesystems: [fs('/', 5.5e9), fs('/var', 1)] },
      { at: 3, filesystems: [fs('/var', 2)], services: [{ name: 'ssh', state: 'running' }] },
      { at: 4, filesystems: [fs('/var', 2)] },
      { at: 5, filesystems: [fs('/var', 3)], services: [{ name: 'ssh', state: 'failed' }] },
      { at: 6, filesystems: [fs('/srv', 3)] },
      { at: 7, filesystems: [] },
    ];
    const carried = new CarriedSample();
    for (const sample of samples) {
      carried.keep(sample);
      expect(carried.sample()).toStrictEqual(sample);
    }
  });

  it('keeps figures exactly: negative zero, fractions, byte counts past 2^53 rounding', () => {
    const sample = { a: -0, b: 0.1 + 0.2, c: 2 ** 53 + 2, d: 17_179_869_184, e: -1.5e-300 };
    const carried = new CarriedSample();
    carried.keep({ a: 1, b: 1, c: 1, d: 1, e: 1 });
    carried.keep(sample);
    expect(Object.is(carried.sample()?.a, -0)).toBe(true);
    expect(carried.sample()).toStrictEqual(sample);
  });

  it('gives back an own `__proto__` key as a key, never as the prototype', () => {
    const sample = JSON.parse('{"at":1,"__proto__":{"polluted":true},"cpu":{"__proto__":[1]}}') as Record<
      string,
      unknown
    >;
    const carried = new CarriedSample();
    carried.keep(sample);
    const back = carried.sample();
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back ?? {})).toEqual(['at', '__proto__', 'cpu']);
    expect(JSON.stringify(back)).toBe(JSON.stringify(sample));
  });

  it('gives back new objects each time: what the rebuild changes is not carried', () => {
    const carried = new CarriedSample();
    carried.keep({ memory: { usedBytes: 1 }, load: [1, 2] });
    const first = carried.sample() as { memory: { usedBytes: number }; load: number[] };
    first.memory.usedBytes = 9;
    first.load.push(3);
    expect(carried.sample()).toStrictEqual({ memory: { usedBytes: 1 }, load: [1, 2] });
  });

  it('keeps each connection its own figures when their samples share a shape', () => {
    const sample = (usedBytes: number) => ({ at: usedBytes, memory: { totalBytes: 8e9, usedBytes } });
    const one = new CarriedSample();
    const two = new CarriedSample();
    one.keep(sample(1e9));
    two.keep(sample(2e9));
    one.keep(sample(3e9));
    expect(two.sample()).toStrictEqual(sample(2e9));
    two.keep({ ...sample(4e9), services: [] });
    expect(one.sample()).toStrictEqual(sample(3e9));
    expect(two.sample()).toStrictEqual({ ...sample(4e9), services: [] });
  });

  it('carries nothing once dropped', () => {
    const carried = new CarriedSample();
    carried.keep({ at: 1 });
    carried.drop();
    expect(carried.sample()).toBeUndefined();
  });
});
