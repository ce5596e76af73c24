import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findHost } from '../repositories/hosts.js';
import { countIncidentEvents } from '../repositories/incident-events.js';
import type { IncidentRow } from '../repositories/incidents.js';
import type { IncidentNotice, NoticeKind } from './notifier.js';
import { findOnCall } from './oncall/find-on-call.js';
import type { IncidentRuntime } from './runtime.js';

/** The hostname to show in a notice (hosts may have been deleted since). */
export async function hostnameOf(trx: Kysely<Database>, hostId: string | null): Promise<string | null> {
  if (hostId === null) return null;
  return (await findHost(trx, hostId))?.hostname ?? null;
}

/**
 * How many times an incident's fault came back (reopened after resolution, or back inside the
 * quiet period after a recovery was announced): the "epoch" its delivery keys carry.
 */
export async function reopenEpoch(trx: Kysely<Database>, incidentId: string): Promise<number> {
  return (
    (await countIncidentEvents(trx, incidentId, 'reopened')) +
    (await countIncidentEvents(trx, incidentId, 'flapping'))
  );
}

/**
 * A delivery key for the incident's current epoch: unchanged before any reopening, suffixed
 * `/reopen-k` after the k-th, so receivers (and the outbox's unique key) see a restarted policy's
 * notices as new deliveries while a retry of the same one keeps its key.
 */
export function epochKey(key: string, epoch: number): string {
  return epoch === 0 ? key : `${key}/reopen-${epoch}`;
}

/**
 * Hand a notice to the notifier inside the caller's transaction. Openings and escalations are
 * keyed `incident/level` (DESIGN.md; escalations after a reopening carry its epoch); the rest `incident/kind/n` with n counting that kind;
 * policy steps give their own key and target. The person on call for the level told rides along.
 */
export async function notice(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  incident: IncidentRow,
  kind: NoticeKind,
  facts: {
    at: number;
    reason: string;
    hostname: string | null;
    n?: number;
    deliveryKey?: string;
    to?: IncidentNotice['to'];
    /** The reason as data, rendered in the channel's language (0027). */
    reasonCode?: IncidentNotice['reasonCode'];
    reasonParams?: IncidentNotice['reasonParams'];
  },
): Promise<void> {
  const deliveryKey =
    facts.deliveryKey ??
    (kind === 'opened'
      ? `${incident.id}/${incident.level}`
      : kind === 'escalated'
        ? epochKey(`${incident.id}/${incident.level}`, await reopenEpoch(trx, incident.id))
        : `${incident.id}/${kind}/${facts.n ?? 1}`);
  const told = facts.to !== undefined && 'level' in facts.to ? facts.to.level : incident.level;
  const onCall = await findOnCall(trx, told, incident.client, facts.at);
  const body: IncidentNotice = {
    kind,
    deliveryKey,
    incidentId: incident.id,
    level: incident.level,
    priority: incident.priority,
    title: incident.title,
    titleCode: incident.title_code,
    titleParams: incident.title_params,
    client: incident.client,
    site: incident.site,
    hostId: incident.host_id,
    hostname: facts.hostname,
    check: incident.check,
    resource: incident.resource,
    state: incident.state,
    at: facts.at,
    reason: facts.reason,
    ...(facts.reasonCode !== undefined && {
      reasonCode: facts.reasonCode,
      reasonParams: facts.reasonParams ?? {},
    }),
    ...(incident.recovered_at !== null ? { recoveredAt: Number(incident.recovered_at) } : {}),
    ...(facts.to !== undefined ? { to: facts.to } : {}),
    onCall: onCall && { userId: onCall.userId, name: onCall.name, email: onCall.email },
  };
  await runtime.notifier.notify(trx, body);
}
