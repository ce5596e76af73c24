import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { type AuthEnv, bearerAuth } from '../../api/middleware/bearer-auth.js';
import type { HubDeps } from '../../config/deps.js';
import { SESSION_COOKIE } from './guards.js';
import { DEFAULT_SESSION_LIMITS, findSession, type SessionLimits } from './sessions.js';

/**
 * API authentication: a bearer token, or — for reads only — the console's session cookie, so a
 * signed-in browser can follow links such as the inventory CSV export. Writes always need a bearer
 * token: the API has no CSRF token, and SameSite=Strict alone is not the only lock we want.
 */
export function sessionOrBearerAuth(
  deps: Pick<HubDeps, 'db' | 'clock'>,
  limits: SessionLimits = DEFAULT_SESSION_LIMITS,
): MiddlewareHandler<AuthEnv> {
  const bearer = bearerAuth(deps);
  return async function sessionOrBearerAuth(c, next) {
    const token = getCookie(c, SESSION_COOKIE);
    const read = c.req.method === 'GET' || c.req.method === 'HEAD';
    if (read && token && token.length <= 128 && c.req.header('authorization') === undefined) {
      const user = await findSession(deps.db, token, deps.clock(), limits);
      if (user) {
        c.set('user', {
          tokenId: 'console-session',
          userId: user.userId,
          userName: user.name,
          role: user.role,
        });
        return next();
      }
    }
    return bearer(c, next);
  };
}
