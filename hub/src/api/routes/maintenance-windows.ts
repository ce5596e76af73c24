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
import { parseJsonBody } from '../validate.js';

/**
 * /api/v1/maintenance-windows: recurring windows during which the covered hosts open no ticket
 * (the engine holds their faults and opens what still fails when the window ends). Everyone may
 * read them, since they explain a missing ticket; only admins change them.
 */
export function maintenanceWindowRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();

  app.get('/', async (c) => {
    const now = deps.clock();
    const rows = await listEnabledWindows(deps.db);
    return c.json({ windows: rows.map((row) => windowView(row, now)) });
  });

  app.post('/', requireRole(), async (c) => {
    const body = await parseJsonBody(c, maintenanceWindowBody);
    const row = await createMaintenanceWindow(deps, body, c.var.user.userName);
    return c.json(windowView(row, Number(row.created_at)), 201);
  });

  app.delete('/:id', requireRole(), async (c) => {
    await removeMaintenanceWindow(deps, c.req.param('id'), c.var.user.userName);
    return c.body(null, 204);
  });

  return app;
}
