import { CHECK_STATE_RANK } from '@vigie/shared';
import { gradeOf, maxLevel } from './grade.js';
import { groupGradeOf, raiseParent } from './group-grade.js';
import { type GroupingFacts, placementOf } from './grouping.js';
import type { IncidentSettings } from './settings.js';
import {
  type Grade,
  type IncidentFacts,
  type Severity,
  type Signal,
  type SignalDecision,
  technicianActed,
} from './types.js';

/** What the effects layer read around one signal, inside the same transaction. */
export interface SignalContext {
  /** The open incident for the signal's key, if any. */
  readonly open: IncidentFacts | undefined;
  /** The newest incident for the key that is no longer open. */
  readonly last: IncidentFacts | undefined;
  /** Open `host.silent` incident of the signal's host: it inhibits the host's other checks. */
  readonly inhibitedBy: string | null;
  /**
   * Open `probe.down` incident of the device in front of the host (a firewall): it inhibits every
   * check of the host, `host.silent` included, since nothing behind a dead firewall is heard.
   */
  readonly upstreamDown?: string | null;
  /** Maintenance window covering the host now. */
  readonly maintenance: string | null;
  /** A signal for this key is being held (maintenance, inhibition). */
  readonly held: boolean;
  readonly grouping: GroupingFacts;
}

/**
 * Decide what one signal does to the incidents of its key. Pure: no database, no clock but `now`
 * (the hub's clock; agents' clocks only go into the record).
 */
export function decideSignal(
  signal: Signal,
  context: SignalContext,
  settings: IncidentSettings,
  now: number,
): SignalDecision {
  return signal.state === 'ok'
    ? decideRecovery(context, settings)
    : decideTrigger(signal, signal.state, context, settings, now);
}

function decideRecovery(context: SignalContext, settings: IncidentSettings): SignalDecision {
  const open = context.open;
  if (!open) {
    return context.held ? { kind: 'release-hold' } : { kind: 'ignore', reason: 'a recovery never opens' };
  }
  if (technicianActed(open)) return { kind: 'propose-resolution', incidentId: open.id };
  if (open.recoveredAt !== null) return { kind: 'ignore', reason: 'already recovering' };
  if (settings.quietPeriodMs <= 0) return { kind: 'resolve', incidentId: open.id, reason: 'recovered' };
  return { kind: 'recovering', incidentId: open.id };
}

function decideTrigger(
  signal: Signal,
  severity: Severity,
  context: SignalContext,
  settings: IncidentSettings,
  now: number,
): SignalDecision {
  const { open, last } = context;
  if (open) {
    const rose = CHECK_STATE_RANK[severity] > CHECK_STATE_RANK[open.severity];
    return {
      kind: 'occurrence',
      incidentId: open.id,
      regrade: rose ? regrade(open, gradeOf(settings, { ...signal, severity })) : null,
      reason: rose ? `severity rose from ${open.severity} to ${severity}` : null,
      cancelsRecovery: open.recoveredAt !== null,
    };
  }
  if (context.inhibitedBy !== null && signal.check !== 'host.silent') {
    return { kind: 'hold', reason: 'inhibited', ref: context.inhibitedBy };
  }
  if (context.upstreamDown) return { kind: 'hold', reason: 'inhibited', ref: context.upstreamDown };
  if (context.maintenance !== null) return { kind: 'hold', reason: 'maintenance', ref: context.maintenance };
  if (
    last?.state === 'resolved' &&
    last.resolvedAt !== null &&
    now - last.resolvedAt <= settings.reopenWindowMs
  ) {
    const rose = CHECK_STATE_RANK[severity] > CHECK_STATE_RANK[last.severity];
    return {
      kind: 'reopen',
      incidentId: last.id,
      regrade: rose ? regrade(last, gradeOf(settings, { ...signal, severity })) : null,
    };
  }
  const grade = signal.members?.length
    ? groupGradeOf(settings, {
        check: signal.check,
        severity,
        members: signal.members,
        memberCheck: 'host.silent',
      })
    : gradeOf(settings, { ...signal, severity });
  const placement = placementOf(signal, context.grouping, settings, now);
  const parent = placement.kind === 'child' ? context.grouping.parents.get(placement.parentId) : undefined;
  return {
    kind: 'open',
    grade,
    previousId: last?.id ?? null,
    placement,
    raisesParent: parent ? raiseParent(parent, grade) : null,
  };
}

/** A higher grade for an existing incident: never lowers a level, keeps a hand-set priority. */
function regrade(incident: IncidentFacts, next: Grade): Grade {
  return {
    ...next,
    priority: incident.priorityManual
      ? incident.priority
      : (Math.max(incident.priority, next.priority) as Grade['priority']),
    level: maxLevel(incident.level, next.level),
  };
}
