import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Resolution } from '../db/tables/incidents.js';
import { stopRuns } from '../repositories/incident-escalations.js';
import { insertIncidentEvent } from '../repositories/incident-events.js';
import { findIncident, type IncidentRow, listChildren, updateIncident } from '../repositories/incidents.js';
import { releaseSiteSilences } from './explained-site-silence.js';
import { hostnameOf, notice, reopenEpoch } from './notices.js';
import type { IncidentRuntime } from './runtime.js';

/**
 * Resolve an open incident (guarded on the state it was read in, so a second sweep is a no-op),
 * write the timeline, notify, and resolve its group parent once no child is left open.
 */
export async function resolveIncident(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  incident: IncidentRow,
  how: {
    resolution: Resolution;
    reason: string;
    actor: string;
    now: number;
    /** Tell nobody: an N0 incident that was never paged resolves without a notice (0029). */
    silent?: boolean;
  },
): Promise<boolean> {
  const changed = await updateIncident(
    trx,
    incident.id,
    {
      state: 'resolved',
      open_key: null,
      resolution: how.resolution,
      resolved_at: how.now,
      updated_at: how.now,
      sla_paused_since: null,
      sla_paused_ms: pausedMs(incident, how.now),
    },
    { state: incident.state },
  );
  if (!changed) return false;
  await stopRuns(trx, incident.id, how.now);
  await insertIncidentEvent(trx, runtime.random, {
    incidentId: incident.id,
    key: incident.dedup_key,
    at: how.now,
    actor: how.actor,
    kind: 'resolved',
    detail: { resolution: how.resolution, reason: how.reason },
  });
  const resolved = { ...incident, state: 'resolved' as const };
  if (how.silent !== true)
    await notice(trx, runtime, resolved, 'resolved', {
      at: how.now,
      reason: how.reason,
      hostname: await hostnameOf(trx, incident.host_id),
      // One resolved notice per resolution: the first, then one after each reopening.
      n: (await reopenEpoch(trx, incident.id)) + 1,
    });
  if (incident.parent_id !== null) await rollUpParent(trx, runtime, incident.parent_id, how.now);
  if (incident.check === 'probe.down') await releaseSiteSilences(trx, runtime, incident, how.now);
  return true;
}

/** A site or storm parent lives as long as one of its children is open. */
async function rollUpParent(trx: Kysely<Database>, runtime: IncidentRuntime, parentId: string, now: number) {
  const parent = await findIncident(trx, parentId);
  if (!parent || parent.open_key === null) return;
  if (parent.group_kind !== 'site' && parent.group_kind !== 'storm') return;
  const children = await listChildren(trx, parentId);
  if (children.some((child) => child.open_key !== null)) return;
  await resolveIncident(trx, runtime, parent, {
    resolution: 'auto',
    reason: 'every grouped incident resolved',
    actor: 'system',
    now,
  });
}

/** Close a resolved incident after its grace period. */
export async function closeIncident(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  incident: IncidentRow,
  how: { actor: string; now: number; reason: string },
): Promise<boolean> {
  const changed = await updateIncident(
    trx,
    incident.id,
    { state: 'closed', open_key: null, closed_at: how.now, updated_at: how.now },
    { state: incident.state },
  );
  if (!changed) return false;
  await insertIncidentEvent(trx, runtime.random, {
    incidentId: incident.id,
    key: incident.dedup_key,
    at: how.now,
    actor: how.actor,
    kind: 'closed',
    detail: { reason: how.reason },
  });
  return true;
}

/** Pause time accumulated so far, counting a pause still running. */
export function pausedMs(incident: IncidentRow, now: number): number {
  const running = incident.sla_paused_since === null ? 0 : now - Number(incident.sla_paused_since);
  return Number(incident.sla_paused_ms) + running;
}
