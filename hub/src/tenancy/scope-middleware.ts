import type { Context, MiddlewareHandler } from 'hono';
import type { AuthEnv } from '../api/middleware/bearer-auth.js';
import type { HubDeps } from '../config/deps.js';
import type { ClientScope } from '../db/client-scope.js';
import { loadClientScope } from './load-scope.js';

const SCOPE_KEY = 'clientScope';

/** After bearer auth: load the user's client scope once per request for the routes to apply. */
export function clientScopeMiddleware(deps: Pick<HubDeps, 'db'>): MiddlewareHandler<AuthEnv> {
  return async function clientScope(c, next) {
    const scope = await loadClientScope(deps.db, c.var.user);
    (c as Context).set(SCOPE_KEY as never, scope as never);
    await next();
  };
}

/**
 * The scope of the request. Fails closed: a route reached without the middleware (a mounting
 * mistake) answers 500 rather than showing every client.
 */
export function requestScope(c: Context): ClientScope {
  const scope = c.get(SCOPE_KEY as never) as ClientScope | undefined;
  if (!scope) throw new Error('client scope not loaded: mount clientScopeMiddleware after bearerAuth');
  return scope;
}
