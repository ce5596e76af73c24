import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { upstreamDownIncident } from '../../probes/upstream.js';
import { findHeldSignal } from '../../repositories/held-signals.js';
import { listSilentHosts } from '../../repositories/host-silence.js';
import { findHost, type HostRow } from '../../repositories/hosts.js';
import { insertIncidentEvent } from '../../repositories/incident-events.js';
import { findOpenIncident, listOpenByCheck, updateIncident } from '../../repositories/incidents.js';
import { silentSites, siteKey } from '../engine/grouping.js';
import type { Signal } from '../engine/types.js';
import { dedupKey, hostFacts } from '../facts.js';
import { handleSignal } from '../handle-signal.js';
import type { IncidentRuntime } from '../runtime.js';
import { resolveRevokedHostSilence, revokedHostIds } from './revoked-hosts.js';

/** How long a host may stay unheard before it is silent. */
export interface SilenceOptions {
  /** After a disconnect: a quick reconnect within it is not an outage (default 3 heartbeats). */
  readonly graceMs: number;
  /** For a host still marked connected: no message for this long means it is gone anyway. */
  readonly connectedGraceMs: number;
}

const silentSignal = (host: HostRow, state: 'critical' | 'ok', now: number): Signal => ({
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
 * site are quiet at once) and recover it for hosts heard again. Each change is its own short
 * transaction; running it twice changes nothing more.
 */
export async function sweepHostSilence(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  options: SilenceOptions,
  now: number,
): Promise<{ opened: number; recovered: number }> {
  const quiet = await listSilentHosts(db, {
    disconnectedBefore: now - options.graceMs,
    connectedBefore: now - options.connectedGraceMs,
  });
  // A revoked agent is silent on purpose: never `host.silent`, nor part of a silent site.
  const revoked = await revokedHostIds(
    db,
    quiet.map((host) => host.id),
  );
  const silent = quiet.filter((host) => !revoked.has(host.id));
  const silentIds = new Set(silent.map((host) => host.id));
  let opened = 0;
  let recovered = 0;

  // Hosts behind a device that is down are that device's outage, not their site's: their own
  // silences are held as inhibited by the device's incident, and they do not make a site silent.
  const countable: HostRow[] = [];
  for (const host of silent)
    if (host.behind === null || (await upstreamDownIncident(db, host.id)) === null) countable.push(host);
  for (const [key, members] of silentSites(
    countable.map((h) => ({ hostId: h.id, client: h.client, site: h.site })),
    runtime.settings,
  )) {
    const first = members[0];
    if (!first) continue;
    await db.transaction().execute(async (trx) => {
      if (!(await findOpenIncident(trx, key))) {
        await handleSignal(
          trx,
          runtime,
          siteSignal(first.client, first.site, members.length, now),
          now,
          'hub',
        );
      }
      const parent = await findOpenIncident(trx, key);
      if (!parent) return;
      // Host silences opened a moment before the site's count was reached join the site ticket.
      for (const member of members) {
        const child = await findOpenIncident(trx, dedupKey(member.client, member.hostId, 'host.silent', ''));
        if (!child || child.parent_id !== null) continue;
        await updateIncident(trx, child.id, { parent_id: parent.id, updated_at: now });
        await insertIncidentEvent(trx, runtime.random, {
          incidentId: parent.id,
          key,
          at: now,
          actor: 'rule:site.silent',
          kind: 'child_attached',
          detail: { incidentId: child.id },
        });
      }
    });
  }

  for (const host of silent) {
    await db.transaction().execute(async (trx) => {
      const key = dedupKey(host.client, host.id, 'host.silent', '');
      if (await findOpenIncident(trx, key)) return;
      // Already held behind a down device: saying it again each sweep would only fill its timeline.
      if (!countable.includes(host) && (await findHeldSignal(trx, key))) return;
      const outcome = await handleSignal(trx, runtime, silentSignal(host, 'critical', now), now, 'hub');
      if (outcome.decision === 'open' || outcome.decision === 'reopen') opened += 1;
    });
  }

  const silences = await listOpenByCheck(db, 'host.silent');
  const revokedSilences = await revokedHostIds(
    db,
    silences.flatMap((incident) => (incident.host_id === null ? [] : [incident.host_id])),
  );
  for (const incident of silences) {
    if (incident.host_id !== null && revokedSilences.has(incident.host_id)) {
      const host = { id: incident.host_id, client: incident.client };
      await db.transaction().execute((trx) => resolveRevokedHostSilence(trx, runtime, host, now));
      continue;
    }
    if (incident.host_id === null || silentIds.has(incident.host_id) || incident.recovered_at !== null)
      continue;
    await db.transaction().execute(async (trx) => {
      const host = incident.host_id === null ? undefined : await findHost(trx, incident.host_id);
      if (!host) return;
      await handleSignal(trx, runtime, silentSignal(host, 'ok', now), now, 'hub');
      recovered += 1;
    });
  }
  return { opened, recovered };
}

function siteSignal(client: string, site: string, hosts: number, now: number): Signal {
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
  };
}
