import { createAllowList, MAX_PROBES_PER_AGENT, type ProbeSpec, refusedTargets } from '@vigie/shared';
import type { Kysely } from 'kysely';
import { ApiError } from '../api/api-error.js';
import type { Database } from '../db/database.js';
import { findHost, type HostRow } from '../repositories/hosts.js';
import { invalid } from './bodies.js';
import { listProbingCandidates } from './devices.js';
import { findProbe, findSiteAllowlist, listProbesRunBy, type ProbeRow } from './store.js';
import { readableSpec } from './stored-probe.js';

// The rules a probe write must pass (and the lookups that 404), before the service writes it.

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
export async function checkTargets(db: Kysely<Database>, device: HostRow, spec: ProbeSpec): Promise<void> {
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
export async function checkAgents(
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
