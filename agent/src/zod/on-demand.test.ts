import { describe, expect, it } from 'vitest';
import { z as realZ } from 'zod';
import { createOnDemandZod } from './on-demand.js';

// The bundle's stand-in for zod (decision 0039): building schemas loads nothing; the first use
// loads zod once, and every schema then behaves as the one zod builds from the same calls.

function stand(): { z: typeof realZ; loads: () => number } {
  let count = 0;
  const z = createOnDemandZod(() => {
    count++;
    return realZ;
  });
  return { z, loads: () => count };
}

function schemasOf(z: typeof realZ) {
  const name = z.string().min(1).max(8);
  const base = z.object({ type: z.literal('a'), name, n: z.number().int().min(1).max(9).optional() });
  const other = z.object({ type: z.literal('b'), tags: z.array(name).max(2).default([]) });
  const union = z.discriminatedUnion('type', [base, other]);
  const refined = base.extend({ m: z.number() }).refine((v) => v.m > 0, 'm must be positive');
  const strict = z.strictObject({ at: z.iso.datetime(), kind: z.enum(['x', 'y']) });
  const pre = z.preprocess((v) => (Array.isArray(v) ? v.filter((i) => i !== 0) : v), z.array(z.number()));
  const nested = z.object({ inner: z.object({ k: name.nullable() }) });
  return { union, refined, strict, pre, nested, name };
}

const INPUTS: unknown[] = [
  { type: 'a', name: 'x' },
  { type: 'a', name: '', n: 3 },
  { type: 'a', name: 'abc', n: 10 },
  { type: 'b' },
  { type: 'b', tags: ['a', 'b', 'c'] },
  { type: 'a', name: 'x', extra: 1 },
  { type: 'a', name: 'x', m: 2 },
  { type: 'a', name: 'x', m: -2 },
  { at: '2026-12-08T00:00:00Z', kind: 'x' },
  { at: '2026-13-08T00:00:00Z', kind: 'x' },
  { at: '2026-12-08T00:00:00Z', kind: 'x', more: true },
  [1, 0, 2],
  ['a'],
  { inner: { k: null } },
  { inner: { k: 'toolongname' } },
  null,
  'x',
];

describe('createOnDemandZod', () => {
  it('builds nothing and loads nothing until a schema is used', () => {
    const { z, loads } = stand();
    schemasOf(z);
    z.config({ jitless: true });
    expect(loads()).toBe(0);
  });

  it('loads zod once, at the first use, and answers as the schemas zod builds from the same calls', () => {
    const { z, loads } = stand();
    const lazy = schemasOf(z);
    const real = schemasOf(realZ);
    for (const key of Object.keys(real) as (keyof typeof real)[])
      for (const input of INPUTS) {
        const a = lazy[key].safeParse(input);
        const b = real[key].safeParse(input);
        expect(a.success, `${key} ${JSON.stringify(input)}`).toBe(b.success);
        if (a.success && b.success) expect(a.data).toEqual(b.data);
        else expect(a.error?.issues).toEqual(b.error?.issues);
      }
    expect(loads()).toBe(1);
  });

  it('gives a schema its shape and error class once built, and replays z.config before building', () => {
    let configured: unknown;
    const z = createOnDemandZod(
      () =>
        ({
          ...realZ,
          config: (value: unknown) => {
            configured = value;
            return realZ.config();
          },
        }) as unknown as typeof realZ,
    );
    z.config({ jitless: true });
    const schema = z.object({ a: z.string() });
    expect(configured).toBeUndefined();
    expect(Object.keys(schema.shape)).toEqual(['a']);
    expect(configured).toEqual({ jitless: true });
    expect(() => schema.parse({})).toThrow(z.ZodError);
  });
});
