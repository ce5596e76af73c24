import { expect } from 'vitest';
import type { z } from 'zod';

// A hand-written check against its zod schema (decision 0039), for the agent's own records: the
// check never accepts what the schema refuses or would change; with `exact` it accepts exactly
// what the schema accepts unchanged. (shared/src/protocol/__fixtures__/plain-vs-zod.ts does the
// same, with mutations, for the hub's messages; the agent cannot import it across packages.)

/** Values around what schemas bound: types, lengths, integers, signs. */
export const ODD_VALUES: readonly unknown[] = [
  undefined,
  null,
  true,
  false,
  '',
  ' ',
  'x',
  'info',
  'a'.repeat(43),
  'a'.repeat(44),
  -1,
  0,
  0.05,
  0.1,
  0.5,
  1,
  1.5,
  59,
  60,
  600,
  601,
  3600,
  3601,
  65_536,
  86_400,
  86_401,
  Number.MAX_SAFE_INTEGER,
  2 ** 60,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  [],
  {},
  [1],
];

/** `value` with each leaf (one at a time) replaced by each odd value, and its numbers nudged by ±1 and ±0.5. */
export function variantsOf(value: Record<string, unknown>): Record<string, unknown>[] {
  const variants: Record<string, unknown>[] = [];
  for (const key of Object.keys(value)) {
    const current = value[key];
    const replacements = [
      ...ODD_VALUES,
      ...(typeof current === 'number' ? [current + 1, current - 1, current + 0.5] : []),
    ];
    for (const replacement of replacements) variants.push({ ...value, [key]: replacement });
    const { [key]: _, ...without } = value;
    variants.push(without);
  }
  variants.push({ ...value, extra: 1 });
  return variants;
}

export function expectPlainAgreesWithZod(
  check: (value: unknown) => boolean,
  schema: z.ZodType,
  value: unknown,
  exact = true,
): void {
  const plain = check(value);
  const zod = schema.safeParse(value);
  const label = JSON.stringify(value) ?? String(value);
  if (plain) {
    expect(zod.success, `zod refuses what the check accepts: ${label}`).toBe(true);
    expect(zod.data, label).toEqual(value);
  }
  if (exact) expect(plain, label).toBe(zod.success && isEqual(zod.data, value));
}

function isEqual(a: unknown, b: unknown): boolean {
  try {
    expect(a).toEqual(b);
    return true;
  } catch {
    return false;
  }
}
