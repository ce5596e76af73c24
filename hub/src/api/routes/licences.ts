import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import { LICENCE_KINDS } from '../../db/tables/inventory-history.js';
import { licenceCompliance } from '../../licences/compliance.js';
import { expiryStage } from '../../licences/expiry.js';
import {
  deleteLicence,
  findLicence,
  insertLicence,
  type LicenceRow,
  listLicences,
  updateLicence,
} from '../../repositories/licences.js';
import { listWarranties } from '../../repositories/warranties.js';
import { generateId } from '../../security/secrets.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { parseJsonBody, parseQuery } from '../validate.js';

const DAY_MS = 86_400_000;
const date = z.union([z.number().int().min(0), z.iso.date().transform((d) => Date.parse(d))]);
// `*` is the only wildcard; the rest is matched literally, case-insensitively.
const pattern = z.string().trim().min(1).max(256);

const fields = {
  product: z.string().trim().min(1).max(256),
  kind: z.enum(LICENCE_KINDS).default('software'),
  namePattern: pattern,
  publisherPattern: pattern.nullable().optional(),
  seats: z.number().int().min(0).max(10_000_000),
  expiresAt: date.nullable().optional(),
  client: z.string().trim().min(1).max(256).nullable().optional(),
  notes: z.string().max(4096).optional(),
};
const createBody = z.strictObject(fields);
const patchBody = z
  .strictObject({ ...fields, kind: z.enum(LICENCE_KINDS), seats: fields.seats })
  .partial()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'nothing to change' });

const calendarQuery = z.object({ days: z.coerce.number().int().min(0).max(3650).default(90) });

function view(row: LicenceRow) {
  return {
    id: row.id,
    client: row.client,
    product: row.product,
    kind: row.kind,
    namePattern: row.name_pattern,
    publisherPattern: row.publisher_pattern,
    seats: row.seats,
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    notes: row.notes,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** /api/v1/licences: licences with their compliance (CRUD for admins) and the expiry calendar. */
export function licenceRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();

  const withCompliance = async (row: LicenceRow) => ({
    ...view(row),
    compliance: await licenceCompliance(deps.db, row),
  });

  app.get('/', async (c) => {
    const client = c.req.query('client');
    const rows = await listLicences(deps.db, client);
    return c.json({ licences: await Promise.all(rows.map(withCompliance)) });
  });

  // Licences and warranties ending within `days` (and those already ended), soonest first.
  app.get('/calendar', async (c) => {
    const { days } = parseQuery(c, calendarQuery);
    const now = deps.clock();
    const until = now + days * DAY_MS;
    const items = [
      ...(await listLicences(deps.db))
        .filter((l) => l.expires_at !== null && Number(l.expires_at) <= until)
        .map((l) => ({
          type: 'licence' as const,
          id: l.id,
          label: l.product,
          client: l.client,
          expiresAt: Number(l.expires_at),
        })),
      ...(await listWarranties(deps.db))
        .filter((w) => Number(w.warranty_until) <= until)
        .map((w) => ({
          type: 'warranty' as const,
          id: w.host_id,
          label: w.hostname,
          client: w.client,
          expiresAt: Number(w.warranty_until),
        })),
    ]
      .map((item) => ({
        ...item,
        daysLeft: Math.ceil((item.expiresAt - now) / DAY_MS),
        stage: expiryStage(item.expiresAt, now)?.stage ?? null,
      }))
      .sort((a, b) => a.expiresAt - b.expiresAt);
    return c.json({ days, items });
  });

  app.get('/:id', async (c) => {
    const row = await findLicence(deps.db, c.req.param('id'));
    if (!row) throw new ApiError('NOT_FOUND', 'No such licence');
    return c.json({ licence: await withCompliance(row) });
  });

  app.post('/', requireRole(), async (c) => {
    const body = await parseJsonBody(c, createBody);
    const now = deps.clock();
    const id = generateId('lic', deps.random);
    await insertLicence(deps.db, {
      id,
      client: body.client ?? null,
      product: body.product,
      kind: body.kind,
      name_pattern: body.namePattern,
      publisher_pattern: body.publisherPattern ?? null,
      seats: body.seats,
      expires_at: body.expiresAt ?? null,
      notes: body.notes ?? '',
      created_at: now,
      updated_at: now,
    });
    deps.log.info({ licenceId: id, by: c.var.user.userName, product: body.product }, 'licence created');
    const row = await findLicence(deps.db, id);
    if (!row) throw new ApiError('NOT_FOUND', 'No such licence');
    return c.json({ licence: await withCompliance(row) }, 201);
  });

  app.patch('/:id', requireRole(), async (c) => {
    const body = await parseJsonBody(c, patchBody);
    const id = c.req.param('id');
    const changed = await updateLicence(deps.db, id, {
      ...(body.product !== undefined ? { product: body.product } : {}),
      ...(body.kind !== undefined ? { kind: body.kind } : {}),
      ...(body.namePattern !== undefined ? { name_pattern: body.namePattern } : {}),
      ...(body.publisherPattern !== undefined ? { publisher_pattern: body.publisherPattern } : {}),
      ...(body.seats !== undefined ? { seats: body.seats } : {}),
      ...(body.expiresAt !== undefined ? { expires_at: body.expiresAt } : {}),
      ...(body.client !== undefined ? { client: body.client } : {}),
      ...(body.notes !== undefined ? { notes: body.notes } : {}),
      updated_at: deps.clock(),
    });
    const row = changed ? await findLicence(deps.db, id) : undefined;
    if (!row) throw new ApiError('NOT_FOUND', 'No such licence');
    deps.log.info({ licenceId: id, by: c.var.user.userName, changes: body }, 'licence updated');
    return c.json({ licence: await withCompliance(row) });
  });

  app.delete('/:id', requireRole(), async (c) => {
    const id = c.req.param('id');
    if (!(await deleteLicence(deps.db, id))) throw new ApiError('NOT_FOUND', 'No such licence');
    deps.log.info({ licenceId: id, by: c.var.user.userName }, 'licence deleted');
    return c.body(null, 204);
  });

  return app;
}
