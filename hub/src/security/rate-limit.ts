import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../api/api-error.js';
import { createKeyedBuckets } from './token-bucket.js';

/**
 * Hono middleware: at most `perMinute` requests per remote address (burst the same), else 429
 * RATE_LIMITED. For unauthenticated endpoints where guessing is the threat (enrolment).
 */
export function rateLimitByAddress(perMinute: number, clock: () => number): MiddlewareHandler {
  const buckets = createKeyedBuckets({ perSec: perMinute / 60, burst: perMinute, maxKeys: 10_000 }, clock);
  return async (c, next) => {
    const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
    const address = incoming?.socket?.remoteAddress ?? 'unknown';
    if (!buckets.take(address))
      throw new ApiError('RATE_LIMITED', 'Too many enrolment attempts from this address');
    await next();
  };
}
