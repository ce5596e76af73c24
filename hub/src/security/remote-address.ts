import type { Context } from 'hono';

/**
 * The peer's address as the socket saw it (`X-Forwarded-For` is not trusted: anyone can write it).
 * Under `app.request()` there is no socket; a test passes `{ incoming: { socket: { remoteAddress } } }`
 * as the env to play several addresses.
 */
export function remoteAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}
