import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../api/api-error.js';
import { type ClientAddressOf, incomingOf } from './client-address.js';
import { createKeyedBuckets } from './token-bucket.js';

/**
 * Hono middleware: at most `perMinute` refused requests per remote address (burst the same), then
 * 429 RATE_LIMITED. For unauthenticated endpoints where guessing is the threat (enrolment): only
 * refusals count, so a site behind one NAT address can still enrol hundreds of machines with a
 * valid token while a scanner is stopped after a few wrong guesses.
 */
export function rateLimitByAddress(
  perMinute: number,
  clock: () => number,
  clientAddress: ClientAddressOf,
): MiddlewareHandler {
  const buckets = createKeyedBuckets({ perSec: perMinute / 60, burst: perMinute, maxKeys: 10_000 }, clock);
  return async (c, next) => {
    const address = clientAddress(incomingOf(c.env));
    if (!buckets.has(address))
      throw new ApiError('RATE_LIMITED', 'Too many refused enrolments from this address');
    try {
      await next();
    } catch (error) {
      buckets.take(address);
      throw error;
    }
    if (c.res.status >= 400) buckets.take(address);
  };
}
