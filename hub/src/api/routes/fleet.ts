import { Hono } from 'hono';
import type { HubDeps } from '../../config/deps.js';
import { readFleetSummary } from '../../repositories/fleet-summary.js';
import { requestScope } from '../../tenancy/scope-middleware.js';
import type { AuthEnv } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  getSummary: describeRoute({
    summary: 'The fleet in figures: hosts online, health, open incidents by priority',
  }),
};

/** /api/v1/fleet: the fleet in figures (hosts online, health, open incidents by priority). */
export function fleetRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();
  app.get('/summary', doc.getSummary, async (c) =>
    c.json({ summary: await readFleetSummary(deps.db, requestScope(c)) }),
  );
  return app;
}
