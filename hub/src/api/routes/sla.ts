import { PRIORITIES } from '@vigie/shared';
import { Hono } from 'hono';
import type { HubDeps } from '../../config/deps.js';
import { formatDuration } from '../../incidents/sla/settings.js';
import type { AuthEnv } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  get: describeRoute({ summary: 'SLA targets per priority, warning ratio, stock escalation policies' }),
};

/** /api/v1/sla: the SLA targets per priority, the warning ratio and the stock escalation policies. */
export function slaRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();
  app.get('/', doc.get, (c) => {
    const { sla } = deps.incidents;
    const targets = Object.entries(sla.targets)
      .map(([priority, t]) => ({
        priority: Number(priority),
        label: PRIORITIES[Number(priority) as keyof typeof PRIORITIES],
        ownMs: t.ownMs,
        resolveMs: t.resolveMs,
        own: formatDuration(t.ownMs),
        resolve: formatDuration(t.resolveMs),
      }))
      .sort((a, b) => b.priority - a.priority);
    return c.json({ targets, warnRatio: sla.warnRatio, escalation: sla.escalation });
  });
  return app;
}
