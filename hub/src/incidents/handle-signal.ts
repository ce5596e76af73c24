import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { lockKeyForTransaction } from '../db/dialect.js';
import type { IncidentEventKind } from '../db/incident-event-kinds.js';
import type { IncidentSource } from '../db/tables/incidents.js';
import { holdSignal, releaseHeldSignal } from '../repositories/held-signals.js';
import { insertIncidentEvent } from '../repositories/incident-events.js';
import { findIncident, type IncidentRow, updateIncident } from '../repositories/incidents.js';
import { decideSignal } from './engine/decide-signal.js';
import type { Grade, Signal, SignalDecision } from './engine/types.js';
import { startEscalation } from './escalation/runs.js';
import { adoptExplainedSiteSilences } from './explained-site-silence.js';
import { hostnameOf, notice, reopenEpoch } from './notices.js';
import { openIncident } from './open-incident.js';
import { gradeOfRow, raiseParentByChild } from './raise-parent.js';
import { announceRecovery, announceReturn } from './recovery.js';
import { resolveIncident } from './resolve.js';
import type { IncidentRuntime } from './runtime.js';
import { readSignalContext } from './signal-context.js';
import { type EventWriter, gradeColumns, raised } from './signal-regrade.js';
import { slaRetargetColumns, slaStartColumns } from './sla/incident-sla.js';

/** What a signal did, for logs and tests. */
export type SignalOutcome = { decision: SignalDecision['kind']; incidentId: string | null };

/**
 * Feed one signal to the engine and apply its decision inside the caller's transaction, so the
 * caller's commit (and the agent's ack after it) covers the incident change and its notices.
 */
export async function handleSignal(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  signal: Signal,
  now: number,
  source: IncidentSource = 'agent',
  /** `deferPaging`: an opening waits for N0 before it pages (remediation service, 0029). */
  options: { deferPaging?: boolean } = {},
): Promise<SignalOutcome> {
  // Signals of one key wait for each other (several hub instances on PostgreSQL), so each decides
  // on what the previous one committed: fifty identical faults make one ticket, fifty occurrences.
  await lockKeyForTransaction(trx, signal.key);
  // Two tries: if another writer opened the key between our read and our insert, the unique
  // index refused ours and the second read sees theirs (an occurrence, not a second ticket).
  for (let attempt = 0; attempt < 2; attempt++) {
    const context = await readSignalContext(trx, signal, runtime.settings, now, runtime.upstream);
    const decision = decideSignal(signal, context, runtime.settings, now);
    if (decision.kind === 'open') {
      const row = await openIncident(
        trx,
        runtime,
        { ...decision, signal, source, ...(options.deferPaging === true && { deferPaging: true }) },
        now,
      );
      if (row) {
        if (row.check === 'probe.down') await adoptExplainedSiteSilences(trx, runtime, row, now);
        return { decision: 'open', incidentId: row.id };
      }
      continue;
    }
    const incidentId = await apply(trx, runtime, signal, decision, now);
    // A site silence opened before the device's outage was known is that outage: it joins it.
    if (decision.kind === 'reopen' && signal.check === 'probe.down' && incidentId !== null) {
      const row = await findIncident(trx, incidentId);
      if (row) await adoptExplainedSiteSilences(trx, runtime, row, now);
    }
    return { decision: decision.kind, incidentId };
  }
  throw new Error(`incident for ${signal.key} neither opened nor found`);
}

async function apply(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  signal: Signal,
  decision: Exclude<SignalDecision, { kind: 'open' }>,
  now: number,
): Promise<string | null> {
  const actor = `rule:${signal.check}`;
  const event = (incidentId: string | null, kind: IncidentEventKind, detail: Record<string, unknown> = {}) =>
    insertIncidentEvent(trx, runtime.random, { incidentId, key: signal.key, at: now, actor, kind, detail });
  const observed = {
    state: signal.state,
    observedAt: signal.observedAt,
    value: signal.value,
    message: signal.message,
  };

  switch (decision.kind) {
    case 'ignore':
      return null;
    case 'hold': {
      await holdSignal(trx, {
        dedup_key: signal.key,
        reason: decision.reason,
        reason_ref: decision.ref,
        host_id: signal.host?.id ?? null,
        held_since: now,
        last_at: now,
        signal: JSON.stringify(signal),
      });
      await event(null, 'held', { reason: decision.reason, ref: decision.ref, ...observed });
      // Host silent: the host's other faults are occurrences on the silence ticket.
      if (decision.reason === 'inhibited') {
        await event(decision.ref, 'inhibited_occurrence', {
          key: signal.key,
          check: signal.check,
          ...observed,
        });
      }
      return null;
    }
    case 'release-hold':
      if (await releaseHeldSignal(trx, signal.key)) await event(null, 'recovered_while_held', observed);
      return null;
    case 'occurrence':
      return occurrence(trx, runtime, signal, decision, now, event);
    case 'reopen':
      return reopen(trx, runtime, signal, decision, now, event);
    case 'recovering':
      await updateIncident(trx, decision.incidentId, { recovered_at: now, updated_at: now });
      await event(decision.incidentId, 'recovery_seen', {
        ...observed,
        quietPeriodMs: runtime.settings.quietPeriodMs,
      });
      await announceRecovery(trx, runtime, decision.incidentId, now);
      return decision.incidentId;
    case 'propose-resolution':
      await updateIncident(trx, decision.incidentId, { recovered_at: now, updated_at: now });
      await event(decision.incidentId, 'resolution_proposed', observed);
      await announceRecovery(trx, runtime, decision.incidentId, now);
      return decision.incidentId;
    case 'resolve': {
      const row = await findIncident(trx, decision.incidentId);
      if (row)
        await resolveIncident(trx, runtime, row, { resolution: 'auto', reason: decision.reason, actor, now });
      return decision.incidentId;
    }
  }
}

async function occurrence(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  signal: Signal,
  decision: Extract<SignalDecision, { kind: 'occurrence' }>,
  now: number,
  event: EventWriter,
): Promise<string> {
  const row = await findIncident(trx, decision.incidentId);
  if (!row) return decision.incidentId;
  await updateIncident(trx, row.id, {
    occurrences: row.occurrences + 1,
    last_occurrence_at: now,
    recovered_at: null,
    updated_at: now,
    ...(decision.cancelsRecovery ? { flapping: 1, flaps: row.flaps + 1 } : {}),
    ...(decision.regrade ? gradeColumns(decision.regrade) : {}),
    ...(decision.regrade ? await slaRetargetColumns(trx, runtime, row, decision.regrade.priority, now) : {}),
  });
  await event(row.id, 'occurrence', {
    state: signal.state,
    observedAt: signal.observedAt,
    value: signal.value,
  });
  if (decision.cancelsRecovery) {
    await event(row.id, 'flapping', { reason: 'fault back before the quiet period ended' });
    const back = {
      ...row,
      recovered_at: null,
      flapping: 1,
      ...(decision.regrade ? gradeColumns(decision.regrade) : {}),
    };
    await announceReturn(
      trx,
      runtime,
      back,
      now,
      decision.regrade !== null && decision.regrade.level !== row.level,
    );
  }
  if (decision.regrade)
    await raised(trx, runtime, row, decision.regrade, decision.reason ?? 'regraded', now, event);
  return row.id;
}

async function reopen(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  signal: Signal,
  decision: Extract<SignalDecision, { kind: 'reopen' }>,
  now: number,
  event: EventWriter,
): Promise<string> {
  const row = await findIncident(trx, decision.incidentId);
  if (!row) return decision.incidentId;
  const changes = {
    // The fault is back: nobody holds it any more, it must be owned (and paged) again. Since
    // acknowledging assigns (PagerDuty's model), an assignee left on it would silence the paging
    // of nearly every reopened ticket; the timeline keeps who had it.
    state: 'new' as const,
    acknowledged_at: null,
    assignee: null,
    open_key: row.dedup_key,
    resolution: null,
    resolved_at: null,
    recovered_at: null,
    flapping: 1,
    flaps: row.flaps + 1,
    occurrences: row.occurrences + 1,
    last_occurrence_at: now,
    updated_at: now,
    ...(decision.regrade ? gradeColumns(decision.regrade) : {}),
    // Reopened: the clocks start over from now, at the (possibly raised) priority.
    ...(await slaStartColumns(
      trx,
      runtime,
      { ...row, priority: decision.regrade?.priority ?? row.priority },
      now,
    )),
  };
  await updateIncident(trx, row.id, changes, { state: 'resolved' });
  await event(row.id, 'reopened', {
    flapping: true,
    resolvedAt: row.resolved_at,
    observedAt: signal.observedAt,
  });
  const reopened = { ...row, ...changes };
  // Folded under an open parent, it pages nobody: the parent is raised to it if it must be.
  const folded =
    row.parent_id !== null &&
    (await raiseParentByChild(
      trx,
      runtime,
      { parentId: row.parent_id, childId: row.id, grade: decision.regrade ?? gradeOfRow(row) },
      now,
    ));
  if (!folded)
    await notice(trx, runtime, reopened, 'reopened', {
      at: now,
      reason: `${signal.check} failed again within the reopen window: flapping`,
      reasonCode: 'flapping',
      reasonParams: { check: signal.check },
      hostname: signal.host?.hostname ?? null,
      n: await reopenEpoch(trx, row.id),
    });
  if (decision.regrade)
    await raised(trx, runtime, row, decision.regrade, 'severity rose on reopening', now, event);
  // The fault is back: its level's policy pages again from the first step (children ride on
  // their parent's). A regrade to another level has already started that level's policy.
  const movedLevel = decision.regrade !== null && decision.regrade.level !== row.level;
  if (reopened.parent_id === null && !movedLevel) await startEscalation(trx, runtime, reopened, now);
  return row.id;
}
