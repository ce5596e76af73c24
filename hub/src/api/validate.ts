import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from './api-error.js';

function issuesOf(error: z.ZodError) {
  return error.issues.slice(0, 20).map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

/** Parse a JSON body against a schema or throw VALIDATION_FAILED listing what is wrong. */
export async function parseJsonBody<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ApiError('BAD_REQUEST', 'The body is not valid JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError('VALIDATION_FAILED', undefined, issuesOf(parsed.error));
  return parsed.data;
}

/** Parse a value already read (a console form turned into the API's shape) or throw VALIDATION_FAILED. */
export function parseValue<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError('VALIDATION_FAILED', undefined, issuesOf(parsed.error));
  return parsed.data;
}

/** Parse the query string against a schema or throw VALIDATION_FAILED. */
export function parseQuery<T>(c: Context, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw new ApiError('VALIDATION_FAILED', undefined, issuesOf(parsed.error));
  return parsed.data;
}
