import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import type { LiveSessions } from '../../ingest/live-sessions.js';
import { revokeHostAgents } from '../../repositories/agents.js';
import { listCheckStates } from '../../repositories/check-states.js';
import { findHost, listHosts } from '../../repositories/hosts.js';
import { findInventory } from '../../repositories/inventories.js';
import { latestSamplePayload, listSeries } from '../../repositories/samples.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { parseQuery } from '../validate.js';
import { toHostView } from './host-view.js';

const listQuery = z.object({
  client: z.string().max(256).optional(),
  site: z.string().max(256).optional(),
  search: z.string().max(256).optional(),
});

const DAY_MS = 86_400_000;
const seriesQuery = z.object({
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
});

/** /api/v1/hosts: the fleet, one host, its metrics, inventory and credential revocation. */
export function hostsRoutes(deps: HubDeps, sessions: LiveSessions) {
  const app = new Hono<AuthEnv>();

  app.get('/', async (c) => {
    const rows = await listHosts(deps.db, parseQuery(c, listQuery));
    return c.json({ hosts: rows.map(toHostView) });
  });

  app.get('/:id', async (c) => {
    const host = await findHost(deps.db, c.req.param('id'));
    if (!host) throw new ApiError('NOT_FOUND', 'No such host');
    const payload = await latestSamplePayload(deps.db, host.id);
    const checks = await listCheckStates(deps.db, host.id, 50);
    return c.json({
      host: toHostView(host),
      latestSample: payload === undefined ? null : (JSON.parse(payload) as unknown),
      recentCheckStates: checks,
    });
  });

  app.get('/:id/metrics', async (c) => {
    const host = await findHost(deps.db, c.req.param('id'));
    if (!host) throw new ApiError('NOT_FOUND', 'No such host');
    const query = parseQuery(c, seriesQuery);
    const to = query.to ?? deps.clock();
    const from = query.from ?? to - DAY_MS;
    if (from > to) throw new ApiError('VALIDATION_FAILED', '`from` is after `to`');
    const points = await listSeries(deps.db, host.id, { from, to, limit: query.limit });
    return c.json({ hostId: host.id, from, to, points });
  });

  app.get('/:id/inventory', async (c) => {
    const host = await findHost(deps.db, c.req.param('id'));
    if (!host) throw new ApiError('NOT_FOUND', 'No such host');
    const inventory = await findInventory(deps.db, host.id);
    if (!inventory) return c.json({ hostId: host.id, inventory: null });
    return c.json({
      hostId: host.id,
      hash: inventory.hash,
      collectedAt: inventory.collected_at,
      receivedAt: inventory.received_at,
      inventory: JSON.parse(inventory.payload) as unknown,
    });
  });

  app.post('/:id/revoke', requireRole(), async (c) => {
    const host = await findHost(deps.db, c.req.param('id'));
    if (!host) throw new ApiError('NOT_FOUND', 'No such host');
    const revoked = await revokeHostAgents(deps.db, host.id, deps.clock());
    for (const agentId of revoked) sessions.get(agentId)?.kick('CREDENTIAL_REVOKED');
    deps.log.info({ hostId: host.id, agents: revoked, by: c.var.user.userName }, 'agent credentials revoked');
    return c.json({ hostId: host.id, revokedAgents: revoked });
  });

  return app;
}
