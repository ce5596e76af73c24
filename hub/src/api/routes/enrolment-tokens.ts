import { HOST_ROLES } from '@vigie/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import { createEnrolmentToken } from '../../enrolment/create-enrolment-token.js';
import { listEnrolmentTokens, revokeEnrolmentToken } from '../../repositories/enrolment-tokens.js';
import { findClient, findSite } from '../../tenancy/clients.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';
import { parseJsonBody } from '../validate.js';

const HOUR_MS = 3_600_000;
const createBody = z.object({
  client: z.string().min(1).max(256).optional(),
  site: z.string().min(1).max(256).optional(),
  /** The client and site entities instead of their names (a site id says its client too). */
  clientId: z.string().min(1).max(64).optional(),
  siteId: z.string().min(1).max(64).optional(),
  role: z.enum(HOST_ROLES).optional(),
  maxUses: z.number().int().min(1).max(100_000).default(1),
  ttlHours: z
    .number()
    .min(0.01)
    .max(24 * 366)
    .default(24 * 7),
  note: z.string().max(1000).optional(),
});

function toView(row: Awaited<ReturnType<typeof listEnrolmentTokens>>[number]) {
  return {
    id: row.id,
    client: row.client,
    site: row.site,
    clientId: row.client_id,
    siteId: row.site_id,
    role: row.role,
    maxUses: row.max_uses,
    uses: row.uses,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
    createdBy: row.created_by,
    note: row.note,
  };
}

/** The client and site names a token carries, from entity ids or names ('default' when silent). */
async function tokenNames(
  deps: HubDeps,
  body: z.infer<typeof createBody>,
): Promise<{ client: string; site: string }> {
  if (body.siteId !== undefined) {
    const site = await findSite(deps.db, body.siteId);
    const client = site && (await findClient(deps.db, site.client_id));
    if (!site || !client) throw new ApiError('VALIDATION_FAILED', `No site ${body.siteId}`);
    if (body.clientId !== undefined && body.clientId !== client.id)
      throw new ApiError('VALIDATION_FAILED', 'The site is not one of that client');
    return { client: client.name, site: site.name };
  }
  if (body.clientId !== undefined) {
    const client = await findClient(deps.db, body.clientId);
    if (!client) throw new ApiError('VALIDATION_FAILED', `No client ${body.clientId}`);
    return { client: client.name, site: body.site ?? 'default' };
  }
  return { client: body.client ?? 'default', site: body.site ?? 'default' };
}

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  post: describeRoute({
    summary: 'Create an enrolment token (its value is shown once)',
    body: createBody,
    example: { client: 'acme', site: 'lyon', role: 'workstation', maxUses: 10, ttlHours: 48 },
    status: 201,
  }),
  get: describeRoute({ summary: 'Enrolment tokens (never their value)' }),
  deleteOne: describeRoute({ summary: 'Revoke an enrolment token', status: 204 }),
};

/** /api/v1/enrolment-tokens: admins create, list and revoke the tokens agents enrol with. */
export function enrolmentTokenRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();
  app.use(requireRole());

  app.post('/', doc.post, async (c) => {
    const body = await parseJsonBody(c, createBody);
    const names = await tokenNames(deps, body);
    const created = await createEnrolmentToken(deps, {
      ...names,
      role: body.role,
      maxUses: body.maxUses,
      ttlMs: body.ttlHours * HOUR_MS,
      note: body.note,
      createdBy: c.var.user.userName,
    });
    return c.json(created, 201);
  });

  app.get('/', doc.get, async (c) => c.json({ tokens: (await listEnrolmentTokens(deps.db)).map(toView) }));

  app.delete('/:id', doc.deleteOne, async (c) => {
    if (!(await revokeEnrolmentToken(deps.db, c.req.param('id'), deps.clock()))) {
      throw new ApiError('NOT_FOUND', 'No such enrolment token');
    }
    return c.body(null, 204);
  });

  return app;
}
