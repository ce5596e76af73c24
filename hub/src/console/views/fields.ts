import { z } from 'zod';

/** A text field of a GET filter or a form: trimmed, bounded, empty means absent. */
export const optionalText = (max = 256) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : undefined));

/** Query parameters as a plain object, first value of each. */
export function queryOf(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams.entries());
}
