import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import type { LiveSessions } from '../../ingest/live-sessions.js';
import { allowBody, hostId, probePatch, scopeName } from '../../probes/bodies.js';
import { probeOr404 } from '../../probes/checks.js';
import { addProbe, changeProbe, removeProbe, saveProbeAllowlist } from '../../probes/service.js';
import {
  findSiteAllowlist,
  listProbeAgents,
  listProbeResults,
  listProbes,
  listProbeVoters,
} from '../../probes/store.js';
import { probeView, resultView, voterView } from '../../probes/views.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';
import { parseJsonBody, parseQuery } from '../validate.js';

const siteQuery = z.object({ client: scopeName, site: scopeName });
const listQuery = z.object({
  client: scopeName.optional(),
  site: scopeName.optional(),
  device: hostId.optional(),
});
const resultsQuery = z.object({
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  getAllowlist: describeRoute({
    summary: 'A site’s probe allowlist',
    query: siteQuery,
    queryExample: { client: 'acme', site: 'lyon' },
  }),
  putAllowlist: describeRoute({
    summary: 'Replace a site’s probe allowlist',
    body: allowBody,
    example: { client: 'acme', site: 'lyon', allow: ['192.168.10.0/24', '*.acme.lan'] },
  }),
  get: describeRoute({ summary: 'Network probes', query: listQuery, queryExample: { client: 'acme' } }),
  post: describeRoute({
    summary: 'Create a network probe',
    description:
      'A flat object: the probe spec (kind and its target fields, intervalSec, timeoutMs) plus device, name, agents, rules?, enabled?. 422 TARGET_NOT_ALLOWED outside the site allowlist.',
    status: 201,
  }),
  getOne: describeRoute({ summary: 'One probe with its agents’ state' }),
  getResults: describeRoute({
    summary: 'A probe’s results between two instants',
    query: resultsQuery,
    queryExample: { limit: '100' },
  }),
  patchOne: describeRoute({ summary: 'Change a probe', body: probePatch, example: { enabled: false } }),
  deleteOne: describeRoute({ summary: 'Delete a probe', status: 204 }),
};

/**
 * /api/v1/probes: the network probes a site's agents run against its devices (see devices.ts),
 * and the sites' allowlists. Admins only: probes make agents send packets inside client networks.
 */
export function probeRoutes(deps: HubDeps, sessions: LiveSessions) {
  const probes = new Hono<AuthEnv>();
  probes.use(requireRole());

  // Registered before `/:id` so the word is not read as a probe id.
  probes.get('/allowlist', doc.getAllowlist, async (c) => {
    const query = parseQuery(c, siteQuery);
    return c.json({ ...query, allow: await findSiteAllowlist(deps.db, query.client, query.site) });
  });

  probes.put('/allowlist', doc.putAllowlist, async (c) => {
    const body = await parseJsonBody(c, allowBody);
    const probesOutside = await saveProbeAllowlist(deps, sessions, body, c.var.user.userName);
    return c.json({ ...body, probesOutside });
  });

  probes.get('/', doc.get, async (c) => {
    const query = parseQuery(c, listQuery);
    const rows = await listProbes(deps.db, query);
    const views = [];
    for (const row of rows)
      views.push(
        probeView(
          row,
          (await listProbeAgents(deps.db, row.id)).map((a) => a.host_id),
        ),
      );
    return c.json({ probes: views });
  });

  probes.post('/', doc.post, async (c) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      throw new ApiError('BAD_REQUEST', 'The body is not valid JSON');
    }
    const { id, agents } = await addProbe(deps, sessions, raw, c.var.user.userName);
    return c.json(probeView(await probeOr404(deps.db, id), agents), 201);
  });

  probes.get('/:id', doc.getOne, async (c) => {
    const probe = await probeOr404(deps.db, c.req.param('id'));
    const voters = await listProbeVoters(deps.db, probe.id);
    const now = deps.clock();
    return c.json({
      ...probeView(
        probe,
        voters.map((v) => v.host_id),
      ),
      voters: voters.map((row) => voterView(probe, row, now)),
    });
  });

  probes.get('/:id/results', doc.getResults, async (c) => {
    const probe = await probeOr404(deps.db, c.req.param('id'));
    const query = parseQuery(c, resultsQuery);
    const to = query.to ?? deps.clock();
    const rows = await listProbeResults(deps.db, probe.id, {
      from: query.from ?? to - 86_400_000,
      to,
      limit: query.limit,
    });
    return c.json({ results: rows.map(resultView) });
  });

  probes.patch('/:id', doc.patchOne, async (c) => {
    const probe = await probeOr404(deps.db, c.req.param('id'));
    const body = await parseJsonBody(c, probePatch);
    const after = await changeProbe(deps, sessions, probe, body, c.var.user.userName);
    return c.json(probeView(await probeOr404(deps.db, probe.id), after));
  });

  probes.delete('/:id', doc.deleteOne, async (c) => {
    const probe = await probeOr404(deps.db, c.req.param('id'));
    await removeProbe(deps, sessions, probe, c.var.user.userName);
    return c.body(null, 204);
  });

  return probes;
}
