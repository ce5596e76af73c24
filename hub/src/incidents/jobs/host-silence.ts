import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { findHeldSignal } from '../../repositories/held-signals.js';
import { listOpenSilences, listSilentHosts } from '../../repositories/host-silence.js';
import { findHost, type HostRow } from '../../repositories/hosts.js';
import { insertIncidentEvent } from '../../repositories/incident-events.js';
import { findOpenIncident, updateIncident } from '../../repositories/incidents.js';
import { silentSites, siteKey } from '../engine/grouping.js';
import type { HostFacts, Signal } from '../engine/types.js';
import { dedupKey, hostFacts } from '../facts.js';
import { handleSignal } from '../handle-signal.js';
import { gradeOfRow, raiseParentByChild } from '../raise-parent.js';
import type { IncidentRuntime } from '../runtime.js';
import { resolveRevokedHostSilence, revokedHostIds } from './revoked-hosts.js';
import { allowance, DEFAULT_SWEEP_BUDGET, inSlices, type SweepBudget } from './slices.js';

/**
 * How long a host may stay unheard before it is silent, counted from its last frame or its
 * baseline (the hub's start, a takeover), whichever is later (docs/decisions/0023).
 */
export interface SilenceOptions {
  /** A disconnected host: a reconnect within it is not an outage (default 3 heartbeats). */
  readonly graceMs: number;
  /** A host still marked connected (its last heard flushed in batches): the grace plus that lag. */
  readonly connectedGraceMs: number;
}

/** The signal the sweep (and a hello) feeds the engine about a host's silence. */
export const silentSignal = (host: HostRow, state: 'critical' | 'ok', now: number): Signal => ({
  key: dedupKey(host.client, host.id, 'host.silent', ''),
  client: host.client,
  site: host.site,
  host: hostFacts(host),
  check: 'host.silent',
  resource: '',
  state,
  observedAt: now,
  value: host.last_seen_at === null ? null : Math.round((now - Number(host.last_seen_at)) / 1000),
  threshold: null,
  message: state === 'ok' ? 'host heard again' : `no word from the host since ${host.last_seen_at}`,
});

/**
 * Open `host.silent` for hosts gone quiet (grouped under one `site.silent` when enough hosts of a
 * site are quiet at once) and recover it for hosts heard again. The site tickets are decided
 * first, so the hosts of a silent site open as its children. Work goes in slices of the budget's
 * size, one transaction each with the event loop free between them, and stops at the budget's
 * cap: what is left is `deferred` and the next sweep picks it up. Running it twice changes
 * nothing more.
 */
export async function sweepHostSilence(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  options: SilenceOptions,
  now: number,
  budget: SweepBudget = DEFAULT_SWEEP_BUDGET,
): Promise<{ opened: number; recovered: number; deferred: number }> {
  const left = allowance(budget);
  const cutoffs = {
    disconnectedBefore: now - options.graceMs,
    connectedBefore: now - options.connectedGraceMs,
  };
  const quiet = await listSilentHosts(db, cutoffs);
  // A revoked agent is silent on purpose: never `host.silent`, nor part of a silent site.
  const revoked = await revokedHostIds(
    db,
    quiet.map((host) => host.id),
  );
  const silent = quiet.filter((host) => !revoked.has(host.id));
  const silentById = new Map(silent.map((host) => [host.id, host]));
  const silentIds = new Set(silentById.keys());
  // Read once: a host whose silence is already open needs nothing (no query per host per sweep).
  await budget.yieldToLoop();
  const openSilences = await listOpenSilences(db);
  await budget.yieldToLoop();
  const openByHost = new Map(
    openSilences.flatMap((row) => (row.host_id === null ? [] : [[row.host_id, row]])),
  );
  let opened = 0;
  let recovered = 0;

  // Hosts behind a device that is down are that device's outage, not their site's: their own
  // silences are held as inhibited by the device's incident, and they do not make a site silent.
  const countable = new Set<string>();
  for (const host of silent)
    if (host.behind === null || (await runtime.upstream.downIncident(db, host.id)) === null)
      countable.add(host.id);
  const sites = [
    ...silentSites(
      silent
        .filter((h) => countable.has(h.id))
        .map((h) => ({ hostId: h.id, client: h.client, site: h.site })),
      runtime.settings,
    ),
  ];
  await inSlices(db, sites, left, async (trx, [key, members]) => {
    const first = members[0];
    if (!first || (await findOpenIncident(trx, key))) return false;
    // Graded by its members: a silent production server among them makes the site's ticket P5/N3.
    const hosts = members.flatMap((m) => {
      const row = silentById.get(m.hostId);
      return row ? [hostFacts(row)] : [];
    });
    await handleSignal(trx, runtime, siteSignal(first.client, first.site, hosts, now), now, 'hub');
    return true;
  });
  // Host silences opened a moment before the site's count was reached join the site ticket.
  const orphans = sites.flatMap(([key, members]) =>
    members.flatMap((member) => (openByHost.get(member.hostId)?.parent_id === null ? [{ key, member }] : [])),
  );
  await inSlices(db, orphans, left, async (trx, { key, member }) => {
    const parent = await findOpenIncident(trx, key);
    const child = await findOpenIncident(trx, dedupKey(member.client, member.hostId, 'host.silent', ''));
    if (!parent || !child || child.parent_id !== null) return false;
    await updateIncident(trx, child.id, { parent_id: parent.id, updated_at: now });
    await insertIncidentEvent(trx, runtime.random, {
      incidentId: parent.id,
      key,
      at: now,
      actor: 'rule:site.silent',
      kind: 'child_attached',
      detail: { incidentId: child.id },
    });
    await raiseParentByChild(
      trx,
      runtime,
      { parentId: parent.id, childId: child.id, grade: gradeOfRow(child) },
      now,
    );
    return true;
  });

  // Heard again for a moment, then silent again within the quiet period: the same silence fails
  // again (an occurrence that cancels the recovery) instead of resolving while the host is gone.
  const relapsed = silent.filter((host) => {
    const open = openByHost.get(host.id);
    return open !== undefined && open.recovered_at !== null && countable.has(host.id);
  });
  await inSlices(db, relapsed, left, async (trx, host) => {
    await handleSignal(trx, runtime, silentSignal(host, 'critical', now), now, 'hub');
    return true;
  });

  const unopened = silent.filter((host) => !openByHost.has(host.id));
  await inSlices(db, unopened, left, async (trx, host) => {
    const key = dedupKey(host.client, host.id, 'host.silent', '');
    if (await findOpenIncident(trx, key)) return false;
    // Already held behind a down device: saying it again each sweep would only fill its timeline.
    if (!countable.has(host.id) && (await findHeldSignal(trx, key))) return false;
    const outcome = await handleSignal(trx, runtime, silentSignal(host, 'critical', now), now, 'hub');
    if (outcome.decision === 'open' || outcome.decision === 'reopen') opened += 1;
    return true;
  });

  const revokedSilences = await revokedHostIds(
    db,
    openSilences.flatMap((incident) => (incident.host_id === null ? [] : [incident.host_id])),
  );
  // Heard again ends a silence; a hub restart alone does not (the baseline only delays opening).
  const stillUnheard =
    openSilences.length === 0
      ? silentIds
      : new Set((await listSilentHosts(db, { ...cutoffs, ignoreBaseline: true })).map((host) => host.id));
  const toEnd = openSilences.filter(
    (incident) =>
      incident.host_id !== null &&
      (revokedSilences.has(incident.host_id) ||
        (!stillUnheard.has(incident.host_id) && incident.recovered_at === null)),
  );
  await inSlices(db, toEnd, left, async (trx, incident) => {
    if (incident.host_id === null) return false;
    if (revokedSilences.has(incident.host_id)) {
      await resolveRevokedHostSilence(trx, runtime, { id: incident.host_id, client: incident.client }, now);
      return true;
    }
    const host = await findHost(trx, incident.host_id);
    if (!host) return false;
    await handleSignal(trx, runtime, silentSignal(host, 'ok', now), now, 'hub');
    recovered += 1;
    return true;
  });
  return { opened, recovered, deferred: left.deferred };
}

function siteSignal(client: string, site: string, members: HostFacts[], now: number): Signal {
  const hosts = members.length;
  return {
    key: siteKey(client, site),
    client,
    site,
    host: null,
    check: 'site.silent',
    resource: '',
    state: 'critical',
    observedAt: now,
    value: hosts,
    threshold: null,
    message: `${hosts} hosts of ${site} silent at once`,
    members,
  };
}
