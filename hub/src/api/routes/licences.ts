import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import { scopeAllows } from '../../db/client-scope.js';
import { licenceCompliance } from '../../licences/compliance.js';
import { expiryStage, stagesOf } from '../../licences/expiry.js';
import { changeLicence, createLicence, retireLicence } from '../../licences/licence-service.js';
import { licenceCreateBody, licencePatchBody, licenceView } from '../../licences/licence-view.js';
import {
  findLicence,
  insertLicenceAudit,
  type LicenceAuditRow,
  type LicenceRow,
  listLicenceAudit,
  listLicences,
} from '../../repositories/licences.js';
import { listWarranties } from '../../repositories/warranties.js';
import { generateId } from '../../security/secrets.js';
import { requestScope } from '../../tenancy/scope-middleware.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';
import { parseJsonBody, parseQuery } from '../validate.js';

const DAY_MS = 86_400_000;

const calendarQuery = z.object({ days: z.coerce.number().int().min(0).max(3650).default(90) });

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  get: describeRoute({ summary: 'Licences with their compliance, keys masked' }),
  getCalendar: describeRoute({
    summary: 'Licences and warranties ending within `days`, soonest first',
    query: calendarQuery,
    queryExample: { days: '90' },
  }),
  getOne: describeRoute({ summary: 'One licence with its compliance' }),
  post: describeRoute({
    summary: 'Create a licence',
    body: licenceCreateBody,
    example: {
      product: 'Microsoft Office 2021',
      namePattern: 'Microsoft Office*',
      seats: 25,
      model: 'per_device',
      expiresAt: '2027-12-31',
    },
    status: 201,
  }),
  patchOne: describeRoute({ summary: 'Change a licence', body: licencePatchBody, example: { seats: 30 } }),
  deleteOne: describeRoute({ summary: 'Delete a licence', status: 204 }),
  postReveal: describeRoute({ summary: 'The whole licence key (each reveal is recorded)' }),
  getAudit: describeRoute({ summary: 'Who created, changed, deleted the licence or revealed its key' }),
};

/** /api/v1/licences: licences with their compliance (CRUD for admins) and the expiry calendar. */
export function licenceRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();

  const withCompliance = async (row: LicenceRow) => ({
    ...licenceView(row),
    compliance: await licenceCompliance(deps.db, row),
  });
  const audit = (licenceId: string, actor: string, action: LicenceAuditRow['action']) =>
    insertLicenceAudit(deps.db, {
      id: generateId('aud', deps.random),
      licence_id: licenceId,
      at: deps.clock(),
      actor,
      action,
    });

  // A client-scoped technician sees only licences of their clients: a fleet-wide licence's
  // compliance names hosts of every client.
  const visible = (c: Context, client: string | null) => {
    const scope = requestScope(c);
    return client === null ? scope.all : scopeAllows(scope, client);
  };

  app.get('/', doc.get, async (c) => {
    const client = c.req.query('client');
    const rows = (await listLicences(deps.db, client)).filter((l) => visible(c, l.client));
    return c.json({ licences: await Promise.all(rows.map(withCompliance)) });
  });

  // Licences and warranties ending within `days` (and those already ended), soonest first.
  app.get('/calendar', doc.getCalendar, async (c) => {
    const { days } = parseQuery(c, calendarQuery);
    const now = deps.clock();
    const until = now + days * DAY_MS;
    const items = [
      ...(await listLicences(deps.db))
        .filter((l) => l.expires_at !== null && Number(l.expires_at) <= until && visible(c, l.client))
        .map((l) => ({
          type: 'licence' as const,
          id: l.id,
          label: l.product,
          client: l.client,
          expiresAt: Number(l.expires_at),
          stages: stagesOf(l.expiry_stages),
        })),
      ...(await listWarranties(deps.db))
        .filter((w) => Number(w.warranty_until) <= until && visible(c, w.client))
        .map((w) => ({
          type: 'warranty' as const,
          id: w.host_id,
          label: w.hostname,
          client: w.client,
          expiresAt: Number(w.warranty_until),
          stages: stagesOf(w.expiry_stages),
        })),
    ]
      .map(({ stages, ...item }) => ({
        ...item,
        daysLeft: Math.ceil((item.expiresAt - now) / DAY_MS),
        stage: expiryStage(item.expiresAt, now, stages)?.stage ?? null,
      }))
      .sort((a, b) => a.expiresAt - b.expiresAt);
    return c.json({ days, items });
  });

  app.get('/:id', doc.getOne, async (c) => {
    const row = await findLicence(deps.db, c.req.param('id'));
    if (!row || !visible(c, row.client)) throw new ApiError('NOT_FOUND', 'No such licence');
    return c.json({ licence: await withCompliance(row) });
  });

  app.post('/', requireRole(), doc.post, async (c) => {
    const body = await parseJsonBody(c, licenceCreateBody);
    const row = await createLicence(deps, body, c.var.user.userName);
    if (!row) throw new ApiError('NOT_FOUND', 'No such licence');
    return c.json({ licence: await withCompliance(row) }, 201);
  });

  app.patch('/:id', requireRole(), doc.patchOne, async (c) => {
    const body = await parseJsonBody(c, licencePatchBody);
    const row = await changeLicence(deps, c.req.param('id'), body, c.var.user.userName);
    if (!row) throw new ApiError('NOT_FOUND', 'No such licence');
    return c.json({ licence: await withCompliance(row) });
  });

  app.delete('/:id', requireRole(), doc.deleteOne, async (c) => {
    if (!(await retireLicence(deps, c.req.param('id'), c.var.user.userName)))
      throw new ApiError('NOT_FOUND', 'No such licence');
    return c.body(null, 204);
  });

  // The whole key, for admins only, each time recorded with who asked.
  app.post('/:id/key/reveal', requireRole(), doc.postReveal, async (c) => {
    const row = await findLicence(deps.db, c.req.param('id'));
    if (!row) throw new ApiError('NOT_FOUND', 'No such licence');
    if (row.licence_key === null) throw new ApiError('NOT_FOUND', 'This licence has no key');
    await audit(row.id, c.var.user.userName, 'key_revealed');
    deps.log.info({ licenceId: row.id, by: c.var.user.userName }, 'licence key revealed');
    return c.json({ id: row.id, key: row.licence_key });
  });

  app.get('/:id/audit', requireRole(), doc.getAudit, async (c) => {
    const id = c.req.param('id');
    const rows = await listLicenceAudit(deps.db, id);
    return c.json({
      licenceId: id,
      audit: rows.map((r) => ({ at: Number(r.at), actor: r.actor, action: r.action })),
    });
  });

  return app;
}
