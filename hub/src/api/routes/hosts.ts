import { HOST_ROLES } from '@vigie/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { publish } from '../../cluster/notify.js';
import type { HubDeps } from '../../config/deps.js';
import { hostTags } from '../../hosts/fields.js';
import { toHostView } from '../../hosts/view.js';
import { requestRotation } from '../../identity/rotation.js';
import { resolveRevokedHostSilence } from '../../incidents/jobs/revoked-hosts.js';
import { regradeOpenIncidentsForHost } from '../../incidents/regrade-host.js';
import type { LiveSessions } from '../../ingest/live-sessions.js';
import type { PolicyService } from '../../policies/policy-service.js';
import { legacyHandshakeOf, revokeHostAgents } from '../../repositories/agents.js';
import { listCheckStates } from '../../repositories/check-states.js';
import { findHost, listHostPage, updateHostAdmin } from '../../repositories/hosts.js';
import { findInventory } from '../../repositories/inventories.js';
import { latestSamplePayload, readSeries } from '../../repositories/samples.js';
import { ensureClientSite, namesForIds } from '../../tenancy/clients.js';
import { requestScope } from '../../tenancy/scope-middleware.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';
import { parseJsonBody, parseQuery } from '../validate.js';
import { decodeHostCursor, encodeHostCursor } from './host-cursor.js';

const listQuery = z.object({
  client: z.string().max(256).optional(),
  site: z.string().max(256).optional(),
  /** The client and site entities (ids) instead of their names. */
  clientId: z.string().max(64).optional(),
  siteId: z.string().max(64).optional(),
  role: z.enum(HOST_ROLES).optional(),
  search: z.string().max(256).optional(),
  /** A page at a time: the whole fleet in one answer was 4.3 MB and 766 ms for 10 000 hosts. */
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z
    .string()
    .max(2048)
    .transform((text, ctx) => {
      const cursor = decodeHostCursor(text);
      if (cursor === undefined) ctx.addIssue('not a cursor this hub gave');
      return cursor ?? z.NEVER;
    })
    .optional(),
});

const patchBody = z
  .strictObject({
    role: z.enum(HOST_ROLES).optional(),
    tags: hostTags.optional(),
    client: z.string().trim().min(1).max(256).optional(),
    site: z.string().trim().min(1).max(256).optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: 'nothing to change: give role, tags, client or site',
  });

const DAY_MS = 86_400_000;
const seriesQuery = z.object({
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
});

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  get: describeRoute({
    summary: 'The fleet, a page at a time by hostname, with health and online state',
    description: 'Pass `nextCursor` back as `cursor` for the next page (null on the last).',
    query: listQuery,
    queryExample: { client: 'acme', limit: '50' },
  }),
  getOne: describeRoute({ summary: 'One host, its latest sample and recent check changes' }),
  patchOne: describeRoute({
    summary: 'Change a host’s role, tags, client or site',
    body: patchBody,
    example: { role: 'server', tags: ['production'] },
  }),
  getMetrics: describeRoute({
    summary: 'Headline series between two instants (ms since epoch; default the last 24 h)',
    query: seriesQuery,
    queryExample: { from: '1764000000000', limit: '1000' },
  }),
  getInventory: describeRoute({ summary: 'The latest complete inventory snapshot' }),
  postRevoke: describeRoute({ summary: 'Revoke the host’s agent credential and close its socket' }),
  postRotateCredential: describeRoute({ summary: 'Give the host’s agent a new secret' }),
};

/** /api/v1/hosts: the fleet, one host and its admin settings, metrics, inventory, revocation. */
export function hostsRoutes(deps: HubDeps, sessions: LiveSessions, policies?: PolicyService) {
  const app = new Hono<AuthEnv>();

  app.get('/', doc.get, async (c) => {
    const query = parseQuery(c, listQuery);
    const names = await namesForIds(deps.db, query);
    if (!names) return c.json({ hosts: [], total: 0, nextCursor: null });
    const page = await listHostPage(deps.db, {
      ...query,
      ...names,
      after: query.cursor,
      scope: requestScope(c),
    });
    return c.json({
      hosts: page.rows.map(toHostView),
      total: page.total,
      nextCursor: page.next === null ? null : encodeHostCursor(page.next),
    });
  });

  app.get('/:id', doc.getOne, async (c) => {
    const host = await findHost(deps.db, c.req.param('id'), requestScope(c));
    if (!host) throw new ApiError('NOT_FOUND', 'No such host');
    const payload = await latestSamplePayload(deps.db, host.id);
    const checks = await listCheckStates(deps.db, host.id, 50);
    return c.json({
      host: toHostView(host),
      latestSample: payload === undefined ? null : (JSON.parse(payload) as unknown),
      recentCheckStates: checks,
      // Hellos without a nonce proof (0025): what an admin checks before closing the window.
      legacyHandshake: await legacyHandshakeOf(deps.db, host.id),
    });
  });

  // Role and tags decide an incident's impact and level; client/site its dedup key and windows.
  app.patch('/:id', requireRole(), doc.patchOne, async (c) => {
    const changes = await parseJsonBody(c, patchBody);
    const before = await findHost(deps.db, c.req.param('id'), requestScope(c));
    if (!before || !(await updateHostAdmin(deps.db, before.id, changes)))
      throw new ApiError('NOT_FOUND', 'No such host');
    const after = await findHost(deps.db, before.id);
    if (!after) throw new ApiError('NOT_FOUND', 'No such host');
    // A new client or site name becomes an entity too, so policies and scopes can name it.
    if (changes.client !== undefined || changes.site !== undefined)
      await ensureClientSite(deps.db, after, {
        now: deps.clock(),
        random: deps.random,
        by: c.var.user.userName,
      });
    // Another client, site or role may mean other policy layers: the agent gets its new policy now.
    if (changes.client !== undefined || changes.site !== undefined || changes.role !== undefined)
      await policies?.push({ scope: 'host', target: after.id });
    // Role and tags grade its open incidents: they follow now, up or down, with the reason.
    if (changes.role !== undefined || changes.tags !== undefined)
      await regradeOpenIncidentsForHost(deps, after.id, `host updated by ${c.var.user.userName}`);
    deps.log.info(
      {
        hostId: before.id,
        by: c.var.user.userName,
        before: {
          role: before.role,
          tags: JSON.parse(before.tags),
          client: before.client,
          site: before.site,
        },
        changes,
      },
      'host updated',
    );
    return c.json({ host: toHostView(after) });
  });

  app.get('/:id/metrics', doc.getMetrics, async (c) => {
    const host = await findHost(deps.db, c.req.param('id'), requestScope(c));
    if (!host) throw new ApiError('NOT_FOUND', 'No such host');
    const query = parseQuery(c, seriesQuery);
    const to = query.to ?? deps.clock();
    const from = query.from ?? to - DAY_MS;
    if (from > to) throw new ApiError('VALIDATION_FAILED', '`from` is after `to`');
    // `stepMs`: 0 for raw samples, else the roll-up tier's bucket (the finest that reaches `from`).
    const { stepMs, points } = await readSeries(deps.db, host.id, { from, to, limit: query.limit });
    return c.json({ hostId: host.id, from, to, stepMs, points });
  });

  app.get('/:id/inventory', doc.getInventory, async (c) => {
    const host = await findHost(deps.db, c.req.param('id'), requestScope(c));
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

  app.post('/:id/revoke', requireRole(), doc.postRevoke, async (c) => {
    const host = await findHost(deps.db, c.req.param('id'), requestScope(c));
    if (!host) throw new ApiError('NOT_FOUND', 'No such host');
    const revoked = await revokeHostAgents(deps.db, host.id, deps.clock());
    for (const agentId of revoked) {
      // Before the kick: the agent's reconnect must find the revocation, not a cached row.
      deps.credentials?.forget(agentId);
      sessions.get(agentId)?.kick('CREDENTIAL_REVOKED');
      // The agent may be connected to another hub instance (PostgreSQL): it closes the socket too.
      await publish(deps.db, { kind: 'revoked', agentId });
    }
    // Silent on purpose from now on: its silence ticket ends here (the sweep also sees to it).
    await deps.db
      .transaction()
      .execute((trx) => resolveRevokedHostSilence(trx, deps.incidents, host, deps.clock()));
    deps.log.info({ hostId: host.id, agents: revoked, by: c.var.user.userName }, 'agent credentials revoked');
    return c.json({ hostId: host.id, revokedAgents: revoked });
  });

  // The new secret travels only on the agent's authenticated socket: sent now if it is connected,
  // else at its next hello. `delivered` says which.
  app.post('/:id/rotate-credential', requireRole(), doc.postRotateCredential, async (c) => {
    const host = await findHost(deps.db, c.req.param('id'), requestScope(c));
    if (!host) throw new ApiError('NOT_FOUND', 'No such host');
    const agentIds = await requestRotation(deps.db, host.id, deps.clock(), deps.credentials);
    const agents = [];
    for (const agentId of agentIds) {
      agents.push({ agentId, delivered: (await sessions.get(agentId)?.rotate()) ?? false });
    }
    // An agent connected to another hub instance (PostgreSQL) gets it from that instance now.
    await sessions.elsewhere.rotate(agentIds.filter((agentId) => sessions.get(agentId) === undefined));
    deps.log.info(
      { hostId: host.id, agents, by: c.var.user.userName },
      'agent credential rotation requested',
    );
    return c.json({ hostId: host.id, agents });
  });

  return app;
}
