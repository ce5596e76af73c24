import type { MiddlewareHandler } from 'hono';
import type { z } from 'zod';

/**
 * What a route tells its readers, next to its validators. The schemas are the very objects the
 * handler parses with (`parseJsonBody(c, body)`), so the document cannot drift from validation:
 * openapi.test.ts sends each documented body to its route and checks the route agrees.
 */
export interface RouteDoc {
  summary: string;
  description?: string;
  /** The JSON body the handler parses with `parseJsonBody`. */
  body?: z.ZodType;
  /** A body the route accepts (checked by the tests against the schema and the route). */
  example?: unknown;
  /** The query string the handler parses with `parseQuery` (an object of string fields). */
  query?: z.ZodObject;
  /** Path parameters that are a closed set (`:action`, `:target` of a role), by name; others are strings. */
  params?: z.ZodObject;
  /** Example query values, by field (checked against the schema). */
  queryExample?: Record<string, string>;
  /** Success status; 200 unless said (201 created, 204 no body). */
  status?: 200 | 201 | 202 | 204;
  /** The success body's schema, where one exists; otherwise the document says `application/json`. */
  response?: z.ZodType;
  /** Success content type when it is not JSON (CSV exports, scripts). */
  responseType?: string;
}

const ROUTE_DOC = Symbol('vigie.routeDoc');
const ROLES_DOC = Symbol('vigie.roles');
const AUTH_DOC = Symbol('vigie.auth');

type AnyHandler = (...args: never[]) => unknown;
type Marked = { [ROUTE_DOC]?: RouteDoc; [ROLES_DOC]?: readonly string[]; [AUTH_DOC]?: true };

/** A pass-through middleware carrying the route's description for the OpenAPI document. */
export function describeRoute(doc: RouteDoc): MiddlewareHandler {
  const handler: MiddlewareHandler & Marked = async function routeDoc(_c, next) {
    await next();
  };
  handler[ROUTE_DOC] = doc;
  return handler;
}

/** Mark a role guard so the document can say who may call the route. */
export function markRoles<H extends AnyHandler>(handler: H, roles: readonly string[]): H {
  (handler as H & Marked)[ROLES_DOC] = roles;
  return handler;
}

/** Mark the authentication middleware: every route registered after it under its path is secured. */
export function markAuthentication<H extends AnyHandler>(handler: H): H {
  (handler as H & Marked)[AUTH_DOC] = true;
  return handler;
}

/** Hono wraps a sub-app's handlers when that sub-app has its own error handler; see through it. */
function unwrap(handler: unknown): Marked | undefined {
  if (typeof handler !== 'function') return undefined;
  const inner = (handler as { __COMPOSED_HANDLER?: unknown }).__COMPOSED_HANDLER;
  return (inner === undefined ? handler : unwrap(inner)) as Marked | undefined;
}

export const routeDocOf = (handler: unknown) => unwrap(handler)?.[ROUTE_DOC];
export const rolesOf = (handler: unknown) => unwrap(handler)?.[ROLES_DOC];
export const isAuthentication = (handler: unknown) => unwrap(handler)?.[AUTH_DOC] === true;
