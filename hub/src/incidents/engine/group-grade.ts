import { CHECK_STATE_RANK, SUPPORT_LEVELS } from '@vigie/shared';
import { gradeOf, maxLevel } from './grade.js';
import type { IncidentSettings, Scale } from './settings.js';
import type { Grade, HostFacts, IncidentFacts, Severity } from './types.js';

const higher = <T extends number>(a: T, b: T): T => (a >= b ? a : b);
const levelRank = (level: Grade['level']) => SUPPORT_LEVELS.indexOf(level);

/** Whether a grade is more urgent than another: a higher priority or a higher level. */
export function outranks(
  child: Pick<Grade, 'priority' | 'level'>,
  parent: Pick<Grade, 'priority' | 'level'>,
) {
  return child.priority > parent.priority || levelRank(child.level) > levelRank(parent.level);
}

/**
 * A parent's grade once a more urgent child joins it: the higher of both on every axis, never
 * lower; a hand-set priority is kept, the level still rises. Null when the child changes nothing.
 * Grouping is for reading, never for hiding (DESIGN.md): whoever the child would page, the parent pages.
 */
export function raiseParent(parent: IncidentFacts, child: Grade): Grade | null {
  if (!outranks(child, parent)) return null;
  const priority = parent.priorityManual ? parent.priority : higher(parent.priority, child.priority);
  const level = maxLevel(parent.level, child.level);
  if (priority === parent.priority && level === parent.level) return null;
  return {
    severity:
      CHECK_STATE_RANK[child.severity] > CHECK_STATE_RANK[parent.severity] ? child.severity : parent.severity,
    urgency: higher(parent.urgency, child.urgency) as Scale,
    impact: higher(parent.impact, child.impact) as Scale,
    priority,
    level,
    route: child.route,
  };
}

/**
 * The grade of a ticket that stands for several hosts (a silent site, which has no host of its
 * own): its own grade at the widest impact among them, then raised by each member's grade as a
 * `memberCheck` of its own — a silent production server makes the site's ticket P5 at N3.
 */
export function groupGradeOf(
  settings: IncidentSettings,
  fault: { check: string; severity: Severity; members: readonly HostFacts[]; memberCheck: string },
): Grade {
  const grades = fault.members.map((host) =>
    gradeOf(settings, { check: fault.memberCheck, host, severity: fault.severity }),
  );
  const impact = grades.reduce<Scale | undefined>(
    (widest, g) => (widest === undefined ? g.impact : higher(widest, g.impact)),
    undefined,
  );
  const own = gradeOf(settings, {
    check: fault.check,
    host: null,
    severity: fault.severity,
    ...(impact === undefined ? {} : { impact }),
  });
  let grade = own;
  for (const member of grades) {
    if (!outranks(member, grade)) continue;
    grade = {
      severity: grade.severity,
      impact: grade.impact,
      urgency: higher(grade.urgency, member.urgency),
      priority: higher(grade.priority, member.priority),
      level: maxLevel(grade.level, member.level),
      route: levelRank(member.level) > levelRank(grade.level) ? member.route : grade.route,
    };
  }
  return grade;
}
