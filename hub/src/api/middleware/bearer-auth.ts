import type { MiddlewareHandler } from 'hono';
import type { HubDeps } from '../../config/deps.js';
import type { UserRole } from '../../db/tables/users.js';
import { findTokenOwner, type TokenOwner, touchApiToken } from '../../repositories/api-tokens.js';
import { hashSecret } from '../../security/secrets.js';
import { ApiError } from '../api-error.js';
import { markRoles } from '../openapi/describe.js';

export type AuthEnv = { Variables: { user: TokenOwner } };

/** Require `Authorization: Bearer <api token>` and put its owner in `c.var.user`. */
export function bearerAuth(deps: Pick<HubDeps, 'db' | 'clock'>): MiddlewareHandler<AuthEnv> {
  return async function bearerAuth(c, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S{1,512})$/i.exec(header);
    if (!match?.[1]) throw new ApiError('UNAUTHENTICATED');
    const owner = await findTokenOwner(deps.db, hashSecret(match[1]));
    if (!owner) throw new ApiError('UNAUTHENTICATED', 'Unknown or revoked bearer token');
    await touchApiToken(deps.db, owner.tokenId, deps.clock());
    c.set('user', owner);
    await next();
  };
}

/** Require one of the given roles (admin always passes). */
export function requireRole(...roles: UserRole[]): MiddlewareHandler<AuthEnv> {
  const guard: MiddlewareHandler<AuthEnv> = async function requireRole(c, next) {
    const role = c.var.user.role;
    if (role !== 'admin' && !roles.includes(role)) throw new ApiError('FORBIDDEN');
    await next();
  };
  // The OpenAPI document reads the roles off the guard (openapi/describe.ts).
  return markRoles(guard, roles);
}
