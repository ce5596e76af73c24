import { Hono } from 'hono';
import type { HubDeps } from '../../config/deps.js';
import {
  createMaintenanceWindow,
  maintenanceWindowBody,
  removeMaintenanceWindow,
  windowView,
} from '../../maintenance/service.js';
import { listEnabledWindows } from '../../repositories/maintenance-windows.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';
import { parseJsonBody } from '../validate.js';

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  get: describeRoute({ summary: 'Maintenance windows in force, each with activeUntil while running' }),
  post: describeRoute({
    summary: 'Create a recurring maintenance window',
    body: maintenanceWindowBody,
    example: {
      scope: 'site',
      target: 'acme/lyon',
      cron: '0 22 * * 6',
      durationMinutes: 120,
      timezone: 'Europe/Paris',
      reason: 'Weekly patching',
    },
    status: 201,
  }),
  deleteOne: describeRoute({ summary: 'End a maintenance window (kept for the record)', status: 204 }),
};

/**
 * /api/v1/maintenance-windows: recurring windows during which the covered hosts open no ticket
 * (the engine holds their faults and opens what still fails when the window ends). Everyone may
 * read them, since they explain a missing ticket; only admins change them.
 */
export function maintenanceWindowRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();

  app.get('/', doc.get, async (c) => {
    const now = deps.clock();
    const rows = await listEnabledWindows(deps.db);
    return c.json({ windows: rows.map((row) => windowView(row, now)) });
  });

  app.post('/', requireRole(), doc.post, async (c) => {
    const body = await parseJsonBody(c, maintenanceWindowBody);
    const row = await createMaintenanceWindow(deps, body, c.var.user.userName);
    return c.json(windowView(row, Number(row.created_at)), 201);
  });

  app.delete('/:id', requireRole(), doc.deleteOne, async (c) => {
    await removeMaintenanceWindow(deps, c.req.param('id'), c.var.user.userName);
    return c.body(null, 204);
  });

  return app;
}
