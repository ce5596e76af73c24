import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../api/api-error.js';
import { type ClientAddressOf, incomingOf } from './client-address.js';
import { createKeyedBuckets } from './token-bucket.js';

/**
 * Hono middleware: at most `perMinute` refused requests per remote address (burst the same), then
 * 429 RATE_LIMITED. For unauthenticated endpoints where guessing is the threat (enrolment): only
 * refusals count, so a site behind one NAT address can still enrol hundreds of machines with a
 * valid token while a scanner is stopped after a few wrong guesses. `onClose` hears of the refusal
 * that used up an address's budget (once per burst, not once per request turned away).
 */
export function rateLimitByAddress(
  perMinute: number,
  clock: () => number,
  clientAddress: ClientAddressOf,
  onClose?: (address: string) => Promise<void>,
): MiddlewareHandler {
  const buckets = createKeyedBuckets({ perSec: perMinute / 60, burst: perMinute, maxKeys: 10_000 }, clock);
  const refused = async (address: string) => {
    buckets.take(address);
    if (!buckets.has(address)) await onClose?.(address);
  };
  return async (c, next) => {
    const address = clientAddress(incomingOf(c.env));
    if (!buckets.has(address))
      throw new ApiError('RATE_LIMITED', 'Too many refused enrolments from this address');
    try {
      await next();
    } catch (error) {
      await refused(address);
      throw error;
    }
    if (c.res.status >= 400) await refused(address);
  };
}
