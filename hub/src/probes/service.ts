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
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ApiError } from '../api/api-error.js';
import type { HubDeps } from '../config/deps.js';
import type { Database } from '../db/database.js';
import { hostTags } from '../hosts/fields.js';
import { regradeOpenIncidentsForHost } from '../incidents/regrade-host.js';
import { defaultIncidentRuntime } from '../incidents/runtime.js';
import type { LiveSessions } from '../ingest/live-sessions.js';
import { findHost, type HostRow } from '../repositories/hosts.js';
import { generateId } from '../security/secrets.js';
import { pushProbes } from './assignment.js';
import { insertDevice, listProbingCandidates, setHostsBehind, updateDevice } from './devices.js';
import { retireProbeSignals } from './retire.js';
import { probeRulesSchema } from './rules.js';
import {
  deleteProbe,
  findProbe,
  findSiteAllowlist,
  insertProbe,
  listProbeAgents,
  listProbes,
  listProbesRunBy,
  listProbingHostsOfSite,
  type ProbeRow,
  saveSiteAllowlist,
  setProbeAgents,
  updateProbe,
} from './store.js';
import { readableSpec } from './stored-probe.js';

// Devices, their probes and the sites' allowlists: the writes and their rules, for the API and
// the console alike. Refusals are ApiErrors (VALIDATION_FAILED, NOT_FOUND, TARGET_NOT_ALLOWED).

export const scopeName = z.string().trim().min(1).max(256);
export const hostId = z.string().min(1).max(64);
const hostname = z.string().trim().min(1).max(253);

export const deviceBody = z.strictObject({
  hostname,
  client: scopeName,
  site: scopeName,
  /** `server` for shared equipment (firewall, NAS): impact and routing read role and tags. */
  role: z.enum(HOST_ROLES).default('server'),
  tags: hostTags.default([]),
});
export const devicePatch = z
  .strictObject({
    hostname: hostname.optional(),
    role: z.enum(HOST_ROLES).optional(),
    tags: hostTags.optional(),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), 'nothing to change');
export const behindBody = z.strictObject({ hosts: z.array(hostId).max(10_000) });
export const allowBody = z.strictObject({
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
export const probePatch = z
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

export async function deviceOr404(db: Kysely<Database>, id: string): Promise<HostRow> {
  const host = await findHost(db, id);
  if (host?.kind !== 'device') throw new ApiError('NOT_FOUND', 'No such device');
  return host;
}

export async function probeOr404(db: Kysely<Database>, id: string): Promise<ProbeRow> {
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

const runtimeOf = (deps: HubDeps) => deps.incidents ?? defaultIncidentRuntime({ random: deps.random });

/** Add a device; a site without an enrolled agent cannot watch it. Returns its id. */
export async function addDevice(
  deps: HubDeps,
  body: z.infer<typeof deviceBody>,
  by: string,
): Promise<string> {
  // A device is probed by its site's agents: a site without one cannot watch it.
  if ((await listProbingCandidates(deps.db, body.client, body.site)).length === 0)
    throw invalid('site', `no enrolled agent on ${body.client}/${body.site} to probe from`);
  const id = await insertDevice(deps.db, deps.random, body, deps.clock());
  deps.log.info({ device: id, hostname: body.hostname, by }, 'device added');
  return id;
}

/** Change a device's name, role or tags; its open incidents are re-graded at once. */
export async function changeDevice(
  deps: HubDeps,
  device: HostRow,
  body: z.infer<typeof devicePatch>,
  by: string,
): Promise<void> {
  // Role and tags grade the device's open incidents (probe.down, TLS expiry): they follow at once.
  await deps.db.transaction().execute(async (trx) => {
    if (await updateDevice(trx, device, body))
      await regradeOpenIncidentsForHost(
        { db: trx, clock: deps.clock, incidents: runtimeOf(deps) },
        device.id,
        `device updated by ${by}`,
      );
  });
  deps.log.info({ device: device.id, changes: body, by }, 'device changed');
}

/**
 * The hosts behind a device (its firewall, its switch): while one of its probes says it is down,
 * their own faults (host silent included) are held as inhibited, not ticketed.
 */
export async function setDeviceBehind(deps: HubDeps, device: HostRow, hosts: string[]): Promise<void> {
  for (const [index, id] of hosts.entries()) {
    const host = await findHost(deps.db, id);
    if (!host || host.client !== device.client || host.id === device.id)
      throw invalid(`hosts.${index}`, `${id} is not another host of ${device.client}`);
  }
  await setHostsBehind(deps.db, device.id, hosts);
}

/** Remove a device with its probes, retiring what they signalled, and tell their agents. */
export async function removeDevice(
  deps: HubDeps,
  sessions: LiveSessions,
  device: HostRow,
  by: string,
): Promise<void> {
  const rows = await listProbes(deps.db, { device: device.id });
  const agents = new Set<string>();
  await deps.db.transaction().execute(async (trx) => {
    for (const row of rows) {
      for (const agent of await listProbeAgents(trx, row.id)) agents.add(agent.host_id);
      await retireProbeSignals(trx, runtimeOf(deps), row, 'device removed', deps.clock());
    }
    await setHostsBehind(trx, device.id, []);
    await trx.deleteFrom('hosts').where('id', '=', device.id).execute();
  });
  await pushProbes(sessions, [...agents]);
  deps.log.info({ device: device.id, by }, 'device removed');
}

/** Save a site's allowlist and push it; returns the probes the new list no longer covers. */
export async function saveProbeAllowlist(
  deps: HubDeps,
  sessions: LiveSessions,
  body: z.infer<typeof allowBody>,
  by: string,
): Promise<string[]> {
  await saveSiteAllowlist(deps.db, { ...body, at: deps.clock(), by });
  // Probes the new list no longer covers are refused by their agents (reported as `refused`).
  const allow = createAllowList(body.allow);
  const outside = (await listProbes(deps.db, { client: body.client, site: body.site })).filter((row) => {
    const spec = readableSpec(row);
    return spec !== undefined && refusedTargets(allow, spec).length > 0;
  });
  await pushProbes(sessions, await listProbingHostsOfSite(deps.db, body.client, body.site));
  deps.log.info({ ...body, by }, 'probe allowlist changed');
  return outside.map((row) => row.id);
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

/** Change a probe (name, agents, rules, enabled, timing) and push it; returns its agents after. */
export async function changeProbe(
  deps: HubDeps,
  sessions: LiveSessions,
  probe: ProbeRow,
  body: z.infer<typeof probePatch>,
  by: string,
): Promise<string[]> {
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
      await retireProbeSignals(trx, runtimeOf(deps), probe, 'probe disabled', now);
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
  deps.log.info({ probe: probe.id, changes: body, by }, 'probe changed');
  return after;
}

/** Remove a probe, retiring what it signalled, and tell its agents. */
export async function removeProbe(
  deps: HubDeps,
  sessions: LiveSessions,
  probe: ProbeRow,
  by: string,
): Promise<void> {
  const agents = (await listProbeAgents(deps.db, probe.id)).map((a) => a.host_id);
  await deps.db.transaction().execute(async (trx) => {
    await retireProbeSignals(trx, runtimeOf(deps), probe, 'probe removed', deps.clock());
    await deleteProbe(trx, probe.id);
  });
  await pushProbes(sessions, agents);
  deps.log.info({ probe: probe.id, by }, 'probe removed');
}
