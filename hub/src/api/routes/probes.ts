import {
  allowEntrySchema,
  createAllowList,
  HOST_ROLES,
  MAX_PROBES_PER_AGENT,
  PROBE_KINDS,
  type ProbeSpec,
  probeSpecSchema,
  refusedTargets,
} from '@vigie/shared';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import type { Database } from '../../db/database.js';
import { regradeOpenIncidentsForHost } from '../../incidents/regrade-host.js';
import type { LiveSessions } from '../../ingest/live-sessions.js';
import { pushProbes } from '../../probes/assignment.js';
import {
  insertDevice,
  listDevices,
  listHostsBehind,
  listProbingCandidates,
  setHostsBehind,
  updateDevice,
} from '../../probes/devices.js';
import {
  deleteProbe,
  findProbe,
  findSiteAllowlist,
  insertProbe,
  listProbeAgents,
  listProbeResults,
  listProbes,
  listProbesRunBy,
  listProbeVoters,
  listProbingHostsOfSite,
  type ProbeRow,
  saveSiteAllowlist,
  setProbeAgents,
  updateProbe,
} from '../../probes/repository.js';
import { retireProbeSignals } from '../../probes/retire.js';
import { probeRulesSchema } from '../../probes/rules.js';
import { readableSpec } from '../../probes/stored-probe.js';
import { deviceView, probeView, resultView, voterView } from '../../probes/views.js';
import { findHost, type HostRow } from '../../repositories/hosts.js';
import { generateId } from '../../security/secrets.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { parseJsonBody, parseQuery } from '../validate.js';
import { hostTags } from './host-fields.js';

const scopeName = z.string().trim().min(1).max(256);
const hostId = z.string().min(1).max(64);
const hostname = z.string().trim().min(1).max(253);

const deviceBody = z.strictObject({
  hostname,
  client: scopeName,
  site: scopeName,
  /** `server` for shared equipment (firewall, NAS): impact and routing read role and tags. */
  role: z.enum(HOST_ROLES).default('server'),
  tags: hostTags.default([]),
});
const devicePatch = z
  .strictObject({
    hostname: hostname.optional(),
    role: z.enum(HOST_ROLES).optional(),
    tags: hostTags.optional(),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), 'nothing to change');
const behindBody = z.strictObject({ hosts: z.array(hostId).max(10_000) });
const siteQuery = z.object({ client: scopeName, site: scopeName });
const allowBody = z.strictObject({
  client: scopeName,
  site: scopeName,
  allow: z
    .array(allowEntrySchema)
    .max(256)
    .transform((list) => [...new Set(list)]),
});

// A probe is written flat, as its spec (kind and target fields), plus where it belongs and who runs it.
const META_KEYS = ['device', 'name', 'agents', 'rules', 'enabled'] as const;
const probeMeta = z.strictObject({
  device: hostId,
  name: z.string().trim().min(1).max(100),
  /** Hosts of the device's site whose agents run it; the incident opens when all of them agree. */
  agents: z
    .array(hostId)
    .min(1)
    .max(8)
    .transform((list) => [...new Set(list)]),
  rules: probeRulesSchema.default(probeRulesSchema.parse({})),
  enabled: z.boolean().default(true),
});
const probePatch = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    agents: z
      .array(hostId)
      .min(1)
      .max(8)
      .transform((list) => [...new Set(list)])
      .optional(),
    rules: probeRulesSchema.optional(),
    enabled: z.boolean().optional(),
    intervalSec: z.number().int().min(1).max(86_400).optional(),
    timeoutMs: z.number().int().min(50).max(60_000).optional(),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), 'nothing to change');
const listQuery = z.object({
  client: scopeName.optional(),
  site: scopeName.optional(),
  device: hostId.optional(),
});
const devicesQuery = z.object({ client: scopeName.optional(), site: scopeName.optional() });
const resultsQuery = z.object({
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

const invalid = (path: string, message: string) =>
  new ApiError('VALIDATION_FAILED', message, [{ path, message }]);

/** Split a flat probe body into its spec (validated as agents will receive it) and its metadata. */
function parseProbeBody(body: unknown) {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ApiError('VALIDATION_FAILED', 'The body must be a JSON object');
  const meta: Record<string, unknown> = {};
  const spec: Record<string, unknown> = { intervalSec: 30, timeoutMs: 5000 };
  for (const [key, value] of Object.entries(body)) {
    if ((META_KEYS as readonly string[]).includes(key)) meta[key] = value;
    else spec[key] = value;
  }
  if (!(PROBE_KINDS as readonly unknown[]).includes(spec.kind))
    throw invalid('kind', `kind must be one of ${PROBE_KINDS.join(', ')}`);
  // The id is the hub's; a placeholder lets the schema check everything else.
  const parsedSpec = probeSpecSchema.safeParse({ ...spec, id: 'new' });
  const parsedMeta = probeMeta.safeParse(meta);
  const issues = [
    ...(parsedSpec.success ? [] : parsedSpec.error.issues),
    ...(parsedMeta.success ? [] : parsedMeta.error.issues),
  ];
  if (!parsedSpec.success || !parsedMeta.success)
    throw new ApiError(
      'VALIDATION_FAILED',
      undefined,
      issues.slice(0, 20).map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  return { spec: parsedSpec.data, meta: parsedMeta.data };
}

async function deviceOr404(db: Kysely<Database>, id: string): Promise<HostRow> {
  const host = await findHost(db, id);
  if (host?.kind !== 'device') throw new ApiError('NOT_FOUND', 'No such device');
  return host;
}

async function probeOr404(db: Kysely<Database>, id: string): Promise<ProbeRow> {
  const probe = await findProbe(db, id);
  if (!probe) throw new ApiError('NOT_FOUND', 'No such probe');
  return probe;
}

/** Refuse a probe whose targets are outside its site's allowlist, naming them. */
async function checkTargets(db: Kysely<Database>, device: HostRow, spec: ProbeSpec): Promise<void> {
  const allow = await findSiteAllowlist(db, device.client, device.site);
  const refused = refusedTargets(createAllowList(allow), spec);
  if (refused.length > 0)
    throw new ApiError(
      'TARGET_NOT_ALLOWED',
      `${refused.join(', ')} is not in the allowlist of ${device.client}/${device.site}; ` +
        'add it with PUT /api/v1/probes/allowlist',
      { refused, allow },
    );
}

/**
 * Probe results an agent may be asked to send per second, all its probes together: well under the
 * hub's per-agent message rate (50/s by default), which closes the socket of an agent above it.
 */
export const MAX_PROBE_RUNS_PER_SEC = 5;

/** The agents must be agent hosts of the device's site, each under its probe count and rate caps. */
async function checkAgents(
  db: Kysely<Database>,
  device: HostRow,
  agents: readonly string[],
  intervalSec: number,
  probeId?: string,
): Promise<void> {
  const candidates = new Set(await listProbingCandidates(db, device.client, device.site));
  for (const [index, id] of agents.entries()) {
    if (!candidates.has(id))
      throw invalid(
        `agents.${index}`,
        `${id} is not a host with an enrolled agent on ${device.client}/${device.site}`,
      );
    const running = (await listProbesRunBy(db, id)).filter((p) => p.id !== probeId);
    if (running.length >= MAX_PROBES_PER_AGENT)
      throw invalid(`agents.${index}`, `${id} already runs ${MAX_PROBES_PER_AGENT} probes`);
    const rate = running.reduce(
      (sum, row) => sum + 1 / (readableSpec(row)?.intervalSec ?? 1),
      1 / intervalSec,
    );
    if (rate > MAX_PROBE_RUNS_PER_SEC)
      throw invalid(
        `agents.${index}`,
        `${id} would run ${rate.toFixed(1)} probes a second (at most ${MAX_PROBE_RUNS_PER_SEC}): lengthen intervals`,
      );
  }
}

/**
 * /api/v1/devices and /api/v1/probes: equipment that runs no agent (firewall, switch, NAS,
 * printer, internet link, internal web application) and the network probes a site's agents run
 * against it. Admins only: probes make agents send packets inside client networks.
 */
export function probeRoutes(deps: HubDeps, sessions: LiveSessions) {
  const devices = new Hono<AuthEnv>();
  const probes = new Hono<AuthEnv>();
  devices.use(requireRole());
  probes.use(requireRole());
  const runtime = () => deps.incidents;

  devices.get('/', async (c) => {
    const query = parseQuery(c, devicesQuery);
    const rows = await listDevices(deps.db, query);
    const views = [];
    for (const row of rows) views.push(deviceView(row, await listHostsBehind(deps.db, row.id)));
    return c.json({ devices: views });
  });

  devices.post('/', async (c) => {
    const body = await parseJsonBody(c, deviceBody);
    // A device is probed by its site's agents: a site without one cannot watch it.
    if ((await listProbingCandidates(deps.db, body.client, body.site)).length === 0)
      throw invalid('site', `no enrolled agent on ${body.client}/${body.site} to probe from`);
    const id = await insertDevice(deps.db, deps.random, body, deps.clock());
    deps.log.info({ device: id, hostname: body.hostname, by: c.var.user.userName }, 'device added');
    return c.json(deviceView(await deviceOr404(deps.db, id)), 201);
  });

  devices.get('/:id', async (c) => {
    const device = await deviceOr404(deps.db, c.req.param('id'));
    const rows = await listProbes(deps.db, { device: device.id });
    const probeViews = [];
    for (const row of rows)
      probeViews.push(
        probeView(
          row,
          (await listProbeAgents(deps.db, row.id)).map((a) => a.host_id),
        ),
      );
    return c.json({ ...deviceView(device, await listHostsBehind(deps.db, device.id)), probes: probeViews });
  });

  devices.patch('/:id', async (c) => {
    const device = await deviceOr404(deps.db, c.req.param('id'));
    const body = await parseJsonBody(c, devicePatch);
    // Role and tags grade the device's open incidents (probe.down, TLS expiry): they follow at once.
    await deps.db.transaction().execute(async (trx) => {
      if (await updateDevice(trx, device, body))
        await regradeOpenIncidentsForHost(
          { db: trx, clock: deps.clock, incidents: runtime() },
          device.id,
          `device updated by ${c.var.user.userName}`,
        );
    });
    deps.log.info({ device: device.id, changes: body, by: c.var.user.userName }, 'device changed');
    return c.json(
      deviceView(await deviceOr404(deps.db, device.id), await listHostsBehind(deps.db, device.id)),
    );
  });

  // The hosts behind a device (its firewall, its switch): while one of its probes says it is down,
  // their own faults (host silent included) are held as inhibited, not ticketed.
  devices.put('/:id/behind', async (c) => {
    const device = await deviceOr404(deps.db, c.req.param('id'));
    const body = await parseJsonBody(c, behindBody);
    for (const [index, id] of body.hosts.entries()) {
      const host = await findHost(deps.db, id);
      if (!host || host.client !== device.client || host.id === device.id)
        throw invalid(`hosts.${index}`, `${id} is not another host of ${device.client}`);
    }
    await setHostsBehind(deps.db, device.id, body.hosts);
    return c.json(deviceView(device, await listHostsBehind(deps.db, device.id)));
  });

  devices.delete('/:id', async (c) => {
    const device = await deviceOr404(deps.db, c.req.param('id'));
    const rows = await listProbes(deps.db, { device: device.id });
    const agents = new Set<string>();
    await deps.db.transaction().execute(async (trx) => {
      for (const row of rows) {
        for (const agent of await listProbeAgents(trx, row.id)) agents.add(agent.host_id);
        await retireProbeSignals(trx, runtime(), row, 'device removed', deps.clock());
      }
      await setHostsBehind(trx, device.id, []);
      await trx.deleteFrom('hosts').where('id', '=', device.id).execute();
    });
    await pushProbes(sessions, [...agents]);
    deps.log.info({ device: device.id, by: c.var.user.userName }, 'device removed');
    return c.body(null, 204);
  });

  // Registered before `/:id` so the word is not read as a probe id.
  probes.get('/allowlist', async (c) => {
    const query = parseQuery(c, siteQuery);
    return c.json({ ...query, allow: await findSiteAllowlist(deps.db, query.client, query.site) });
  });

  probes.put('/allowlist', async (c) => {
    const body = await parseJsonBody(c, allowBody);
    await saveSiteAllowlist(deps.db, { ...body, at: deps.clock(), by: c.var.user.userName });
    // Probes the new list no longer covers are refused by their agents (reported as `refused`).
    const allow = createAllowList(body.allow);
    const outside = (await listProbes(deps.db, { client: body.client, site: body.site })).filter((row) => {
      const spec = readableSpec(row);
      return spec !== undefined && refusedTargets(allow, spec).length > 0;
    });
    await pushProbes(sessions, await listProbingHostsOfSite(deps.db, body.client, body.site));
    deps.log.info({ ...body, by: c.var.user.userName }, 'probe allowlist changed');
    return c.json({ ...body, probesOutside: outside.map((row) => row.id) });
  });

  probes.get('/', async (c) => {
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

  probes.post('/', async (c) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      throw new ApiError('BAD_REQUEST', 'The body is not valid JSON');
    }
    const { id, agents } = await addProbe(deps, sessions, raw, c.var.user.userName);
    return c.json(probeView(await probeOr404(deps.db, id), agents), 201);
  });

  probes.get('/:id', async (c) => {
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

  probes.get('/:id/results', async (c) => {
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

  probes.patch('/:id', async (c) => {
    const probe = await probeOr404(deps.db, c.req.param('id'));
    const body = await parseJsonBody(c, probePatch);
    const device = await deviceOr404(deps.db, probe.device_host_id);
    const before = (await listProbeAgents(deps.db, probe.id)).map((a) => a.host_id);
    const spec = readableSpec(probe);
    const interval = body.intervalSec ?? spec?.intervalSec ?? 30;
    if (body.agents || body.intervalSec !== undefined)
      await checkAgents(deps.db, device, body.agents ?? before, interval, probe.id);
    const timing = body.intervalSec !== undefined || body.timeoutMs !== undefined;
    if (timing && !spec) throw new ApiError('CONFLICT', 'This probe was written by another version');
    const now = deps.clock();
    await deps.db.transaction().execute(async (trx) => {
      if (body.enabled === false && probe.enabled === 1)
        await retireProbeSignals(trx, runtime(), probe, 'probe disabled', now);
      const { id: _id, kind: _kind, ...target } = spec ?? { id: '', kind: '' };
      await updateProbe(trx, probe.id, {
        updated_at: now,
        ...(body.name !== undefined && { name: body.name }),
        ...(body.rules !== undefined && { rules: JSON.stringify(body.rules) }),
        ...(body.enabled !== undefined && { enabled: body.enabled ? 1 : 0 }),
        ...(body.enabled === false && { down_state: 'ok' as const, latency_state: 'ok' as const }),
        ...(timing && {
          spec: JSON.stringify({
            ...target,
            ...(body.intervalSec !== undefined && { intervalSec: body.intervalSec }),
            ...(body.timeoutMs !== undefined && { timeoutMs: body.timeoutMs }),
          }),
        }),
      });
      if (body.agents) await setProbeAgents(trx, probe.id, body.agents);
    });
    const after = (await listProbeAgents(deps.db, probe.id)).map((a) => a.host_id);
    await pushProbes(sessions, [...new Set([...before, ...after])]);
    deps.log.info({ probe: probe.id, changes: body, by: c.var.user.userName }, 'probe changed');
    return c.json(probeView(await probeOr404(deps.db, probe.id), after));
  });

  probes.delete('/:id', async (c) => {
    const probe = await probeOr404(deps.db, c.req.param('id'));
    const agents = (await listProbeAgents(deps.db, probe.id)).map((a) => a.host_id);
    await deps.db.transaction().execute(async (trx) => {
      await retireProbeSignals(trx, runtime(), probe, 'probe removed', deps.clock());
      await deleteProbe(trx, probe.id);
    });
    await pushProbes(sessions, agents);
    deps.log.info({ probe: probe.id, by: c.var.user.userName }, 'probe removed');
    return c.body(null, 204);
  });

  return { devices, probes };
}

/**
 * Add a probe written flat (its spec plus device, name, agents, rules, enabled) — API and console.
 * Throws VALIDATION_FAILED, or TARGET_NOT_ALLOWED when a target is outside the site's allowlist.
 */
export async function addProbe(
  deps: HubDeps,
  sessions: LiveSessions,
  raw: unknown,
  by: string,
): Promise<{ id: string; agents: string[] }> {
  const { spec, meta } = parseProbeBody(raw);
  const device = await findHost(deps.db, meta.device);
  if (device?.kind !== 'device') throw invalid('device', 'no such device');
  await checkAgents(deps.db, device, meta.agents, spec.intervalSec);
  await checkTargets(deps.db, device, spec);
  const now = deps.clock();
  const id = generateId('prb', deps.random);
  const { id: _placeholder, kind, ...target } = spec;
  await deps.db.transaction().execute((trx) =>
    insertProbe(
      trx,
      {
        id,
        client: device.client,
        site: device.site,
        device_host_id: device.id,
        name: meta.name,
        kind,
        spec: JSON.stringify(target),
        rules: JSON.stringify(meta.rules),
        enabled: meta.enabled ? 1 : 0,
        created_at: now,
        created_by: by,
        updated_at: now,
      },
      meta.agents,
    ),
  );
  const pushed = await pushProbes(sessions, meta.agents);
  deps.log.info({ probe: id, device: device.id, kind, by: by, pushed }, 'probe added');
  return { id, agents: meta.agents };
}
