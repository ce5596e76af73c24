import { createAllowList, refusedTargets } from '@vigie/shared';
import type { z } from 'zod';
import { ApiError } from '../api/api-error.js';
import type { HubDeps } from '../config/deps.js';
import { regradeOpenIncidentsForHost } from '../incidents/regrade-host.js';
import type { LiveSessions } from '../ingest/live-sessions.js';
import { findHost, type HostRow } from '../repositories/hosts.js';
import { generateId } from '../security/secrets.js';
import { pushProbes } from './assignment.js';
import {
  type allowBody,
  type deviceBody,
  type devicePatch,
  invalid,
  parseProbeBody,
  type probePatch,
} from './bodies.js';
import { checkAgents, checkTargets, deviceOr404 } from './checks.js';
import { insertDevice, listProbingCandidates, setHostsBehind, updateDevice } from './devices.js';
import { retireProbeSignals } from './retire.js';
import {
  deleteProbe,
  insertProbe,
  listProbeAgents,
  listProbes,
  listProbingHostsOfSite,
  type ProbeRow,
  saveSiteAllowlist,
  setProbeAgents,
  updateProbe,
} from './store.js';
import { readableSpec } from './stored-probe.js';

// Devices, their probes and the sites' allowlists: the writes, for the API and the console alike.
// Request bodies are in bodies.ts, the rules they must pass in checks.ts. Refusals are ApiErrors
// (VALIDATION_FAILED, NOT_FOUND, TARGET_NOT_ALLOWED, CONFLICT).

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
        { db: trx, clock: deps.clock, incidents: deps.incidents },
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
      await retireProbeSignals(trx, deps.incidents, row, 'device removed', deps.clock());
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
      await retireProbeSignals(trx, deps.incidents, probe, 'probe disabled', now);
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
    await retireProbeSignals(trx, deps.incidents, probe, 'probe removed', deps.clock());
    await deleteProbe(trx, probe.id);
  });
  await pushProbes(sessions, agents);
  deps.log.info({ probe: probe.id, by }, 'probe removed');
}
