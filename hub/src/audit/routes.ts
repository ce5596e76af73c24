import { Hono } from 'hono';
import { z } from 'zod';
import { type AuthEnv, requireRole } from '../api/middleware/bearer-auth.js';
import { describeRoute } from '../api/openapi/describe.js';
import { parseQuery } from '../api/validate.js';
import type { HubDeps } from '../config/deps.js';
import { SECURITY_AUDIT_KIND_NAMES } from './kinds.js';
import { listSecurityEvents, MAX_AUDIT_PAGE } from './store.js';

/** What GET /api/v1/audit accepts: a kind, and a page (`limit` rows from `offset`). */
export const auditQuery = z.object({
  kind: z.enum(SECURITY_AUDIT_KIND_NAMES as [string, ...string[]]).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

/** The route's description in the OpenAPI document (api/openapi/). */
const doc = describeRoute({
  summary: 'The security audit, newest first: refused enrolments, locked accounts, throttled addresses',
  query: auditQuery,
  queryExample: { kind: 'enrolment.refused', limit: '50' },
});

/** /api/v1/audit: the security audit, newest first, for admins only. */
export function auditRoutes(deps: Pick<HubDeps, 'db'>) {
  const app = new Hono<AuthEnv>();
  app.use(requireRole());
  app.get('/', doc, async (c) => {
    const query = parseQuery(c, auditQuery);
    const { events, total } = await listSecurityEvents(deps.db, {
      kind: query.kind as (typeof SECURITY_AUDIT_KIND_NAMES)[number] | undefined,
      limit: query.limit,
      offset: query.offset,
    });
    const next = query.offset + events.length;
    return c.json({ events, total, nextOffset: next < total ? next : null });
  });
  return app;
}
