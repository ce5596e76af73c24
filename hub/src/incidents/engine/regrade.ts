import { CHECK_KINDS, isCheckKind, SUPPORT_LEVELS } from '@vigie/shared';
import { gradeOf, maxLevel } from './grade.js';
import type { IncidentSettings, Scale } from './settings.js';
import type { Grade, HostFacts, IncidentFacts } from './types.js';

/** What a host change does to one of its open incidents, or null when nothing changes. */
export interface Regrade {
  readonly grade: Grade;
  /** Priority or level went up: the channels (and a new level) must hear it. */
  readonly raised: boolean;
}

/**
 * Expiry stages (licences, warranties, TLS certificates) carry their own impact until they are
 * critical; the host's role and tags do not grade them.
 */
function impactFixedBySignal(incident: IncidentFacts): boolean {
  return (
    isCheckKind(incident.check) &&
    CHECK_KINDS[incident.check].category === 'asset' &&
    incident.severity === 'warning'
  );
}

/**
 * Grade an open incident again after its host's role or tags changed, both ways. Kept as they
 * are: a priority set by hand, an impact its signal fixed, a ticket opened by hand (a person
 * graded it), and a level the incident was escalated to (by the SLA or a technician: `escalated`),
 * which a new route may raise but not lower. Pure.
 */
export function regradeForHost(
  settings: IncidentSettings,
  incident: IncidentFacts & { readonly escalated: boolean },
  host: HostFacts,
): Regrade | null {
  if (incident.source === 'manual') return null;
  const fixed = impactFixedBySignal(incident);
  const next = gradeOf(settings, {
    check: incident.check,
    host,
    severity: incident.severity,
    ...(fixed ? { impact: incident.impact as Scale } : {}),
  });
  const grade: Grade = {
    ...next,
    priority: incident.priorityManual ? incident.priority : next.priority,
    level: incident.escalated ? maxLevel(incident.level, next.level) : next.level,
  };
  const levelRose = SUPPORT_LEVELS.indexOf(grade.level) > SUPPORT_LEVELS.indexOf(incident.level);
  if (
    grade.priority === incident.priority &&
    grade.level === incident.level &&
    grade.impact === incident.impact
  )
    return null;
  return { grade, raised: grade.priority > incident.priority || levelRose };
}
