import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import type { ClientScope } from '../../db/client-scope.js';
import { listInventoryChanges } from '../../inventory/changes-store.js';
import { toGlpiInventory } from '../../inventory/glpi-format.js';
import { snapshotView } from '../../inventory/snapshot-view.js';
import { evaluateWarrantiesNow } from '../../licences/evaluate-now.js';
import { expiryStagesSchema, stagesOf } from '../../licences/expiry.js';
import { findHostUpdates } from '../../repositories/host-updates.js';
import { findHost } from '../../repositories/hosts.js';
import { findInventory } from '../../repositories/inventories.js';
import { findWarranty, setWarranty, type WarrantyRow } from '../../repositories/warranties.js';
import { requestScope } from '../../tenancy/scope-middleware.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';
import { parseJsonBody, parseQuery } from '../validate.js';

const changesQuery = z.object({
  from: z.coerce.number().int().min(0).optional(),
  security: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(500),
});

const warrantyBody = z.strictObject({
  /** Epoch ms, or an ISO date. */
  warrantyUntil: z.union([z.number().int().min(0), z.iso.date().transform((d) => Date.parse(d))]),
  purchasedAt: z
    .union([z.number().int().min(0), z.iso.date().transform((d) => Date.parse(d)), z.null()])
    .optional(),
  vendor: z.string().trim().min(1).max(256).nullable().optional(),
  /** Days before the end at which a ticket is raised; null: the defaults (90, 30, 7, 0). */
  expiryStages: expiryStagesSchema.nullable().optional(),
});

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  getChanges: describeRoute({
    summary: 'Changes between inventory snapshots, newest first',
    query: changesQuery,
    queryExample: { security: 'true', limit: '100' },
  }),
  getInventoryGlpiJson: describeRoute({ summary: 'The inventory in GLPI’s JSON inventory format' }),
  getUpdates: describeRoute({ summary: 'Pending updates (security ones, reboot required)' }),
  getWarranty: describeRoute({ summary: 'The host’s hardware warranty' }),
  putWarranty: describeRoute({
    summary: 'Set the host’s warranty (dates as ms or YYYY-MM-DD)',
    body: warrantyBody,
    example: { warrantyUntil: '2028-06-30', vendor: 'Dell' },
  }),
};

/** /api/v1/hosts/:id/…: a host's inventory changes, pending updates and warranty. */
export function inventoryHostRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();

  const host = async (id: string, scope: ClientScope) => {
    const row = await findHost(deps.db, id, scope);
    if (!row) throw new ApiError('NOT_FOUND', 'No such host');
    return row;
  };

  app.get('/:id/inventory/changes', doc.getChanges, async (c) => {
    const { id } = await host(c.req.param('id'), requestScope(c));
    const query = parseQuery(c, changesQuery);
    const rows = await listInventoryChanges(deps.db, id, {
      from: query.from,
      securityOnly: query.security === 'true',
      limit: query.limit,
    });
    return c.json({
      hostId: id,
      changes: rows.map((r) => ({
        at: Number(r.at),
        kind: r.kind,
        field: r.field,
        old: r.old_value,
        new: r.new_value,
        security: r.security === 1,
      })),
    });
  });

  // The host's current inventory in GLPI's JSON inventory format, to forward to a GLPI server.
  app.get('/:id/inventory.glpi.json', doc.getInventoryGlpiJson, async (c) => {
    const row = await host(c.req.param('id'), requestScope(c));
    const inventory = await findInventory(deps.db, row.id);
    if (!inventory) throw new ApiError('NOT_FOUND', 'No inventory received from this host yet');
    const view = snapshotView(JSON.parse(inventory.payload) as Record<string, unknown>);
    const body = toGlpiInventory(
      { id: row.id, hostname: row.hostname, agentVersion: row.agent_version },
      view,
    );
    // The hostname is the agent's word: only safe characters reach the header.
    const file = `${row.hostname.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100)}.glpi.json`;
    return c.json(body, 200, { 'content-disposition': `attachment; filename="${file}"` });
  });

  app.get('/:id/updates', doc.getUpdates, async (c) => {
    const { id } = await host(c.req.param('id'), requestScope(c));
    const row = await findHostUpdates(deps.db, id);
    if (!row) return c.json({ hostId: id, updates: null });
    return c.json({
      hostId: id,
      updates: {
        manager: row.manager,
        pending: row.pending,
        security: row.security,
        rebootRequired: row.reboot_required === 1,
        securitySince: row.security_since === null ? null : Number(row.security_since),
        updatedAt: Number(row.updated_at),
      },
    });
  });

  const warrantyView = (row: WarrantyRow) => ({
    warrantyUntil: Number(row.warranty_until),
    purchasedAt: row.purchased_at === null ? null : Number(row.purchased_at),
    vendor: row.vendor,
    expiryStages: stagesOf(row.expiry_stages),
    source: row.source,
  });

  app.get('/:id/warranty', doc.getWarranty, async (c) => {
    const { id } = await host(c.req.param('id'), requestScope(c));
    const row = await findWarranty(deps.db, id);
    return c.json({ hostId: id, warranty: row ? warrantyView(row) : null });
  });

  app.put('/:id/warranty', requireRole(), doc.putWarranty, async (c) => {
    const { id } = await host(c.req.param('id'), requestScope(c));
    const body = await parseJsonBody(c, warrantyBody);
    await setWarranty(
      deps.db,
      id,
      {
        warrantyUntil: body.warrantyUntil,
        purchasedAt: body.purchasedAt ?? null,
        vendor: body.vendor ?? null,
        expiryStages: body.expiryStages ? JSON.stringify(body.expiryStages) : null,
        source: 'manual',
      },
      deps.clock(),
    );
    deps.log.info({ hostId: id, by: c.var.user.userName, ...body }, 'host warranty set');
    await evaluateWarrantiesNow(deps.db, deps.incidents, [id], deps.clock());
    const row = await findWarranty(deps.db, id);
    return c.json({ hostId: id, warranty: row ? warrantyView(row) : null });
  });

  return app;
}
