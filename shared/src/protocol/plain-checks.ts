import { LIMITS } from './limits.js';

// Building blocks of bounded, hand-written checks that say "valid" only for a value a zod schema
// accepts *unchanged* (no key stripped, no default filled, no transform): the same rules as
// fast-metrics.ts (decision 0031), exported for the agent's checks of what it reads (decision 0039).
// Anything they refuse goes to the zod schema of record, which decides; property tests compare each
// check built from them with its schema.

export type PlainCheck = (value: unknown) => boolean;

/** A field's check and whether it may be absent. */
export interface PlainField {
  readonly check: PlainCheck;
  readonly optional: boolean;
}
export type PlainShape = Readonly<Record<string, PlainField>>;

export const isPlainRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What zod measures: code points, counted only when UTF-16 units leave the answer in doubt. */
function codePointLength(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    if ((text.charCodeAt(i) & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
}

/** `z.string().min(min).max(max)`, with an optional `.regex(pattern)` (patterns without flags). */
export const plainString =
  (min: number, max: number, pattern?: RegExp): PlainCheck =>
  (value) => {
    if (typeof value !== 'string') return false;
    const units = value.length;
    if (!(units <= max && units >= 2 * min)) {
      const length = codePointLength(value);
      if (length < min || length > max) return false;
    }
    return pattern === undefined || pattern.test(value);
  };
/** `z.number().min(min).max(max)`. */
export const plainNumber =
  (min: number, max: number): PlainCheck =>
  (value) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
/** `z.number().int().min(min).max(max)`. */
export const plainInteger =
  (min: number, max: number): PlainCheck =>
  (value) =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
export const plainBoolean: PlainCheck = (value) => typeof value === 'boolean';
/** `z.enum(values)` or `z.literal(value)`. */
export const plainOneOf =
  (values: readonly unknown[]): PlainCheck =>
  (value) =>
    values.includes(value);
/** `z.array(item).min(min).max(max)`. */
export const plainArray =
  (item: PlainCheck, min: number, max: number): PlainCheck =>
  (value) => {
    if (!Array.isArray(value) || value.length < min || value.length > max) return false;
    for (const entry of value) if (!item(entry)) return false;
    return true;
  };
/** `list(item)` of primitives.ts. */
export const plainList = (item: PlainCheck): PlainCheck => plainArray(item, 0, LIMITS.maxListItems);
/** `schema.nullable()`. */
export const plainNullable =
  (check: PlainCheck): PlainCheck =>
  (value) =>
    value === null || check(value);

export const required = (check: PlainCheck): PlainField => ({ check, optional: false });
export const optional = (check: PlainCheck): PlainField => ({ check, optional: true });

/**
 * `z.object(shape)` (or `z.strictObject`) with every key known and valid and every required one
 * present, then the object's own rule (a refinement).
 */
export function plainObject(
  shape: PlainShape,
  rule?: (value: Record<string, unknown>) => boolean,
): PlainCheck {
  const requiredKeys = Object.keys(shape).filter((key) => !shape[key]?.optional);
  return (value) => {
    if (!isPlainRecord(value)) return false;
    for (const key in value) {
      const field = shape[key];
      if (field === undefined || !Object.hasOwn(shape, key)) return false;
      const entry = value[key];
      if (entry === undefined ? !field.optional : !field.check(entry)) return false;
    }
    for (const key of requiredKeys) if (value[key] === undefined) return false;
    return rule === undefined || rule(value);
  };
}

/** `z.discriminatedUnion(key, …)`: the variant the discriminator names, none for an unknown one. */
export function plainVariants(key: string, variants: Readonly<Record<string, PlainCheck>>): PlainCheck {
  return (value) => {
    if (!isPlainRecord(value)) return false;
    const tag = value[key];
    return typeof tag === 'string' && Object.hasOwn(variants, tag) && (variants[tag] as PlainCheck)(value);
  };
}

// The primitives of primitives.ts, with the same bounds, for every hand-written twin.
const ID = /^[A-Za-z0-9_-]+$/;
export const plainName = plainString(1, LIMITS.maxNameLength);
export const plainOptionalName = plainString(0, LIMITS.maxNameLength);
export const plainText = plainString(0, LIMITS.maxTextLength);
export const plainPath = plainString(1, LIMITS.maxPathLength);
export const plainEpochMs = plainInteger(0, 8.64e15);
export const plainCount = plainInteger(0, Number.MAX_SAFE_INTEGER);
export const plainBootId = plainString(8, 64, ID);
export const plainAgentId = plainString(8, 64, ID);
export const plainSeq = plainInteger(1, Number.MAX_SAFE_INTEGER);
