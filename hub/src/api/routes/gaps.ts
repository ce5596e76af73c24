import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import { listDeliveryEvents, listMetricGaps } from '../../repositories/delivery.js';
import { findHost } from '../../repositories/hosts.js';
import { requestScope } from '../../tenancy/scope-middleware.js';
import { ApiError } from '../api-error.js';
import type { AuthEnv } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';
import { parseQuery } from '../validate.js';

const DAY_MS = 86_400_000;
const gapsQuery = z.object({
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
});

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  getGaps: describeRoute({
    summary: 'Where a host’s data has holes and why (default: the last 7 days)',
    query: gapsQuery,
    queryExample: { limit: '100' },
  }),
};

/**
 * /api/v1/hosts/:id/gaps: where a host's data has holes and why. `metricGaps` are samples the
 * agent dropped from its spool (declared by it); `delivery` lists new boots and seq ranges the hub
 * never received. Mounted beside the hosts routes.
 */
export function gapsRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();

  app.get('/:id/gaps', doc.getGaps, async (c) => {
    const host = await findHost(deps.db, c.req.param('id'), requestScope(c));
    if (!host) throw new ApiError('NOT_FOUND', 'No such host');
    const query = parseQuery(c, gapsQuery);
    const to = query.to ?? deps.clock();
    const from = query.from ?? to - 7 * DAY_MS;
    if (from > to) throw new ApiError('VALIDATION_FAILED', '`from` is after `to`');
    const range = { from, to, limit: query.limit };
    const gaps = await listMetricGaps(deps.db, host.id, range);
    const events = await listDeliveryEvents(deps.db, host.id, range);
    return c.json({
      hostId: host.id,
      from,
      to,
      metricGaps: gaps.map((gap) => ({
        bootId: gap.boot_id,
        seq: Number(gap.seq),
        from: Number(gap.from_at),
        to: Number(gap.to_at),
        count: Number(gap.count),
        receivedAt: Number(gap.received_at),
      })),
      delivery: events.map((event) => ({
        kind: event.kind === 'seq_gap' ? 'seqGap' : 'boot',
        bootId: event.boot_id,
        fromSeq: Number(event.from_seq),
        toSeq: Number(event.to_seq),
        at: Number(event.at),
      })),
    });
  });

  return app;
}
