import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { insertIncidentEvent } from '../repositories/incident-events.js';
import { findIncident, type IncidentRow, updateIncident } from '../repositories/incidents.js';
import { raiseParent } from './engine/group-grade.js';
import type { Grade } from './engine/types.js';
import { startEscalation } from './escalation/runs.js';
import { incidentFacts } from './facts.js';
import { hostnameOf, notice } from './notices.js';
import type { IncidentRuntime } from './runtime.js';
import { slaRetargetColumns } from './sla/incident-sla.js';

/**
 * Apply a child's grade to its parent, inside the caller's transaction: when the child outranks
 * it (the engine's `raiseParent`), the parent takes the higher priority and level, its SLA targets
 * follow the priority, its timeline names the child, and the page goes out now — `incident/level`
 * when the level rose (with that level's policy), else a priority notice. Children page nobody,
 * so this is how a critical fault folded under a warning still reaches whoever must hear it.
 * False when the parent is no longer open: the child stands alone and speaks for itself.
 */
export async function raiseParentByChild(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  link: { parentId: string; childId: string; grade: Grade; raise?: Grade | null | undefined },
  now: number,
): Promise<boolean> {
  const parent = await findIncident(trx, link.parentId);
  if (!parent || parent.open_key === null) return false;
  const next = link.raise === undefined ? raiseParent(incidentFacts(parent), link.grade) : link.raise;
  if (!next) return true;
  const changes = {
    severity: next.severity,
    urgency: next.urgency,
    impact: next.impact,
    priority: next.priority,
    level: next.level,
    updated_at: now,
    ...(await slaRetargetColumns(trx, runtime, parent, next.priority, now)),
  };
  await updateIncident(trx, parent.id, changes);
  await insertIncidentEvent(trx, runtime.random, {
    incidentId: parent.id,
    key: parent.dedup_key,
    at: now,
    actor: 'rule:grouping',
    kind: 'raised_by_child',
    detail: {
      childId: link.childId,
      priority: { from: parent.priority, to: next.priority },
      level: { from: parent.level, to: next.level },
      route: next.route,
    },
  });
  const after = { ...parent, ...changes };
  const moved = next.level !== parent.level;
  await notice(trx, runtime, after, moved ? 'escalated' : 'priority_raised', {
    at: now,
    reason: `raised by child ${link.childId}: priority ${parent.priority} → ${next.priority}, ${parent.level} → ${next.level}`,
    reasonCode: 'raised-by-child',
    reasonParams: {
      priorityFrom: parent.priority,
      priorityTo: next.priority,
      levelFrom: parent.level,
      levelTo: next.level,
    },
    hostname: await hostnameOf(trx, parent.host_id),
    n: next.priority,
  });
  // The new level's policy takes over (its first firing is the notice above, same key).
  if (moved) await startEscalation(trx, runtime, after, now);
  return true;
}

/** The grade an incident row carries (its route is not stored: `grouping` stands in). */
export function gradeOfRow(row: IncidentRow): Grade {
  return {
    severity: row.severity,
    urgency: row.urgency as Grade['urgency'],
    impact: row.impact as Grade['impact'],
    priority: row.priority,
    level: row.level,
    route: 'grouping',
  };
}
