import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { IncidentEventKind } from '../db/incident-event-kinds.js';
import type { IncidentRow } from '../repositories/incidents.js';
import type { Grade } from './engine/types.js';
import { startEscalation } from './escalation/runs.js';
import { hostnameOf, notice } from './notices.js';
import { raiseParentByChild } from './raise-parent.js';
import type { IncidentRuntime } from './runtime.js';

// A signal that raises its incident's grade: the timeline entry, the parent raised in its place
// when it is folded, else the notice and the new level's policy (split from handle-signal.ts).

/** Writes one timeline entry of the signal's transaction. */
export type EventWriter = (
  incidentId: string | null,
  kind: IncidentEventKind,
  detail?: Record<string, unknown>,
) => Promise<void>;

/** The incident's grade rose (or was re-stated) on a signal. */
export async function raised(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  before: IncidentRow,
  grade: Grade,
  reason: string,
  now: number,
  event: EventWriter,
): Promise<void> {
  await event(before.id, 'priority_raised', {
    reason,
    severity: { from: before.severity, to: grade.severity },
    priority: { from: before.priority, to: grade.priority },
    level: { from: before.level, to: grade.level },
    route: grade.route,
  });
  if (grade.priority <= before.priority && grade.level === before.level) return;
  // A child pages nobody: its open parent takes the higher grade and pages instead.
  const link = { parentId: before.parent_id ?? '', childId: before.id, grade };
  if (before.parent_id !== null && (await raiseParentByChild(trx, runtime, link, now))) return;
  const after = { ...before, ...gradeColumns(grade) };
  await notice(trx, runtime, after, 'priority_raised', {
    at: now,
    reason: `${reason}: priority ${before.priority} → ${grade.priority}, ${before.level} → ${grade.level}`,
    reasonCode: 'severity-rose',
    reasonParams: {
      priorityFrom: before.priority,
      priorityTo: grade.priority,
      levelFrom: before.level,
      levelTo: grade.level,
    },
    hostname: await hostnameOf(trx, before.host_id),
    n: grade.priority,
  });
  // A regrade that moves the incident to another level hands it to that level's policy.
  if (grade.level !== before.level && before.parent_id === null)
    await startEscalation(trx, runtime, after, now);
}

export function gradeColumns(grade: Grade) {
  return {
    severity: grade.severity,
    urgency: grade.urgency,
    impact: grade.impact,
    priority: grade.priority,
    level: grade.level,
  };
}
