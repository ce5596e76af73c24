import fc from 'fast-check';
import { expect } from 'vitest';
import type { z } from 'zod';

// Comparing a hand-written check with its zod schema (decision 0039), as fast-metrics.property.test.ts
// does for the metrics message: a value generated valid, then mutated (one value replaced by an odd
// one, a key or an item dropped, or a key added, `__proto__` included). The check must never accept
// what zod refuses or would change; where no unknown key was added it must agree with zod exactly,
// unless the schema has rules the check leaves to zod on purpose (`exact: false`).

type Path = (string | number)[];
function paths(value: unknown, path: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [path];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [path, ...entries.flatMap(([key, v]) => paths(v, [...path, key]))];
}

export const odd = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    '',
    'x',
    'above',
    'MX',
    -1,
    0,
    1,
    1.5,
    59,
    101,
    2 ** 61,
    1e16,
    9e15,
    [],
    {},
    [1],
  ),
  // Strings around the lengths the schemas bound (8, 16, 43, 64, 86, 256, 4096…).
  fc
    .constantFrom(7, 8, 9, 15, 16, 17, 42, 43, 44, 63, 64, 65, 85, 86, 87, 255, 256, 257, 4097)
    .map((n) => 'a'.repeat(n)),
  fc.string({ maxLength: 3 }),
  fc.double(),
  fc.integer(),
);

/** A number moved just past where it was (a bound, when the generator chose one). */
const nudges = [1, -1, 0.5, -0.5];

export interface Mutant {
  readonly json: string;
  readonly unknownKey: boolean;
}

/** `valid` with one thing changed, as JSON text (what a frame or a file holds). */
export function mutantsOf(valid: fc.Arbitrary<unknown>): fc.Arbitrary<Mutant> {
  return fc
    .tuple(
      valid,
      fc.nat(),
      fc.constantFrom('replace', 'drop', 'add', 'nudge', 'nudge'),
      odd,
      fc.constantFrom('extra', 'toString', '__proto__'),
      fc.constantFrom(...nudges),
    )
    .map(([original, pick, kind, replacement, extraKey, nudge]) => {
      const copy = JSON.parse(JSON.stringify(original)) as unknown;
      const all = paths(copy);
      const path = all[pick % all.length] as Path;
      if (path.length === 0) return { json: JSON.stringify(replacement), unknownKey: false };
      const parent = path
        .slice(0, -1)
        .reduce<unknown>((at, key) => (at as Record<string | number, unknown>)[key], copy) as Record<
        string | number,
        unknown
      >;
      const key = path.at(-1) as string | number;
      let unknownKey = false;
      const current = parent[key];
      if (kind === 'nudge' && typeof current === 'number') parent[key] = current + nudge;
      else if (kind === 'nudge' && typeof current === 'string')
        parent[key] = nudge > 0 ? `${current}a` : current.slice(1);
      else if (kind === 'replace' || kind === 'nudge') parent[key] = replacement;
      else if (kind === 'drop') {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
      } else {
        const target = parent[key];
        if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
          // JSON.parse makes `__proto__` an own key, as a hostile frame would.
          const text = JSON.stringify(target).replace(
            /^\{/,
            `{"${extraKey}":1${Object.keys(target).length > 0 ? ',' : ''}`,
          );
          parent[key] = JSON.parse(text);
          unknownKey = true;
        } else parent[key] = replacement;
      }
      return { json: JSON.stringify(copy), unknownKey };
    });
}

/** The check against the schema on one value read from JSON text. */
export function expectPlainAgreesWithZod(
  check: (value: unknown) => boolean,
  schema: z.ZodType,
  json: string,
  options: { unknownKey: boolean; exact: boolean },
): void {
  const plain = check(JSON.parse(json));
  const zod = schema.safeParse(JSON.parse(json));
  if (plain) {
    expect(zod.success, `zod refuses what the check accepts: ${json}`).toBe(true);
    expect(zod.data).toEqual(JSON.parse(json));
  }
  if (options.exact && !options.unknownKey) expect(plain, json).toBe(zod.success && equal(zod.data, json));
}

function equal(data: unknown, json: string): boolean {
  try {
    expect(data).toEqual(JSON.parse(json));
    return true;
  } catch {
    return false;
  }
}

/**
 * Every copy of `value` with one leaf moved just past where it was: each number ±1 and ±0.5, each
 * string one character longer and shorter. Swept over generated values that sit on their bounds
 * often, it finds a bound of a check that differs from its schema's by one.
 */
export function nudgedCopies(value: unknown): string[] {
  const copies: string[] = [];
  for (const path of paths(value)) {
    if (path.length === 0) continue;
    const read = (root: unknown) =>
      path
        .slice(0, -1)
        .reduce<unknown>((at, key) => (at as Record<string | number, unknown>)[key], root) as Record<
        string | number,
        unknown
      >;
    const key = path.at(-1) as string | number;
    const current = read(value)[key];
    const replacements =
      typeof current === 'number'
        ? nudges.map((n) => current + n)
        : typeof current === 'string'
          ? [`${current}a`, current.slice(1)]
          : [];
    for (const replacement of replacements) {
      const copy = JSON.parse(JSON.stringify(value)) as unknown;
      read(copy)[key] = replacement;
      copies.push(JSON.stringify(copy));
    }
  }
  return copies;
}
