import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { IncidentEventKind } from '../db/incident-event-kinds.js';
import { insertIncidentEvent } from '../repositories/incident-events.js';
import {
  findIncident,
  type IncidentChanges,
  type IncidentRow,
  updateIncident,
} from '../repositories/incidents.js';
import { decideAction, type TechnicianAction } from './engine/actions.js';
import { startEscalation, stopEscalation } from './escalation/runs.js';
import { incidentFacts } from './facts.js';
import { hostnameOf, notice, reopenEpoch } from './notices.js';
import { closeIncident, pausedMs, resolveIncident } from './resolve.js';
import type { IncidentRuntime } from './runtime.js';
import { slaResumeColumns, slaStartColumns } from './sla/incident-sla.js';

/** Timeline kind of each action, in the past tense like the engine's own events. */
const EVENT_KIND: Readonly<Record<TechnicianAction['kind'], IncidentEventKind>> = {
  acknowledge: 'acknowledged',
  assign: 'assigned',
  comment: 'comment',
  pending: 'pending',
  escalate: 'escalated',
  deescalate: 'deescalated',
  resolve: 'resolved',
  close: 'closed',
  reopen: 'reopened',
};

export type ActionResult =
  | { ok: true; incident: IncidentRow }
  | { ok: false; code: 'NOT_FOUND' | 'INVALID_TRANSITION' | 'CONFLICT'; message: string };

/**
 * Apply a technician's action inside the caller's transaction and record it in the timeline
 * under `user:<name>`. A reopen the database refuses (another incident of the key opened since)
 * comes back as CONFLICT.
 */
export async function applyTechnicianAction(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  incidentId: string,
  action: TechnicianAction,
  by: { user: string; now: number },
): Promise<ActionResult> {
  const row = await findIncident(trx, incidentId);
  if (!row) return { ok: false, code: 'NOT_FOUND', message: 'No such incident' };
  const outcome = decideAction(incidentFacts(row), action);
  if (!outcome.ok) return outcome;
  // PagerDuty's model: whoever acknowledges an unassigned ticket owns it (API and console alike).
  // A reopened ticket is nobody's until someone acknowledges it again (and is paged until
  // then): since acknowledging assigns, a kept assignee would silence nearly every reopening.
  const patch =
    action.kind === 'acknowledge' && row.assignee === null
      ? { ...outcome.patch, assignee: by.user }
      : outcome.patch.reopen
        ? { ...outcome.patch, state: 'new' as const }
        : outcome.patch;
  const actor = `user:${by.user}`;
  const now = by.now;
  const detail = {
    ...(action.text ? { text: action.text } : {}),
    ...(action.kind === 'assign' ? { assignee: action.assignee } : {}),
    ...(action.kind === 'acknowledge' && patch.assignee ? { assignee: patch.assignee } : {}),
    ...(patch.level ? { level: { from: row.level, to: patch.level } } : {}),
  };

  if (patch.resolve) {
    await resolveIncident(trx, runtime, row, {
      resolution: 'manual',
      reason: action.text ?? 'resolved by hand',
      actor,
      now,
    });
  } else if (patch.close) {
    await closeIncident(trx, runtime, row, { actor, now, reason: action.text ?? 'closed by hand' });
  } else {
    if (patch.reopen && (await findOpenIncidentKey(trx, row.dedup_key))) {
      return { ok: false, code: 'CONFLICT', message: 'Another incident is open for the same fault' };
    }
    const changes: IncidentChanges = {
      updated_at: now,
      ...(patch.state ? { state: patch.state } : {}),
      ...(patch.level ? { level: patch.level, escalated_at: now } : {}),
      ...(patch.assignee ? { assignee: patch.assignee } : {}),
      ...(patch.acknowledge && row.acknowledged_at === null ? { acknowledged_at: now } : {}),
      ...(patch.pause === 'start' ? { sla_paused_since: now } : {}),
      ...(patch.pause === 'stop'
        ? {
            ...(await slaResumeColumns(trx, row, now)),
            sla_paused_since: null,
            sla_paused_ms: pausedMs(row, now),
          }
        : {}),
      ...(patch.reopen
        ? {
            // Reopened: nobody holds it now, so the time to own and the paging start again.
            acknowledged_at: null,
            assignee: null,
            open_key: row.dedup_key,
            resolved_at: null,
            resolution: null,
            recovered_at: null,
            ...(await slaStartColumns(trx, runtime, row, now)),
          }
        : {}),
    };
    if (!(await updateIncident(trx, row.id, changes, { state: row.state }))) {
      return { ok: false, code: 'CONFLICT', message: 'The incident changed meanwhile; try again' };
    }
    await insertIncidentEvent(trx, runtime.random, {
      incidentId: row.id,
      key: row.dedup_key,
      at: now,
      actor,
      kind: EVENT_KIND[action.kind],
      detail,
    });
    const after = { ...row, ...changes } as IncidentRow;
    // Someone owns it now: the policy stops paging. A level change hands it to that level's policy.
    if (patch.acknowledge || patch.state === 'pending') await stopEscalation(trx, row.id, now);
    else if (patch.level || (patch.reopen && row.parent_id === null))
      await startEscalation(trx, runtime, after, now);
    if (outcome.notice === 'escalated' || outcome.notice === 'reopened') {
      await notice(trx, runtime, after, outcome.notice, {
        at: now,
        reason: `${outcome.notice} by ${by.user}${action.text ? `: ${action.text}` : ''}`,
        hostname: await hostnameOf(trx, row.host_id),
        n: outcome.notice === 'reopened' ? await reopenEpoch(trx, row.id) : row.flaps + 1,
      });
    }
  }
  const updated = await findIncident(trx, row.id);
  return updated
    ? { ok: true, incident: updated }
    : { ok: false, code: 'NOT_FOUND', message: 'No such incident' };
}

async function findOpenIncidentKey(trx: Kysely<Database>, key: string): Promise<boolean> {
  const row = await trx.selectFrom('incidents').select('id').where('open_key', '=', key).executeTakeFirst();
  return row !== undefined;
}
