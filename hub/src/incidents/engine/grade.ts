import { CHECK_KINDS, isCheckKind, type Priority, SUPPORT_LEVELS, type SupportLevel } from '@vigie/shared';
import type { IncidentSettings, Scale } from './settings.js';
import type { Grade, HostFacts, Severity } from './types.js';

const clamp = (n: number): Scale => Math.min(5, Math.max(1, Math.round(n))) as Scale;

/** Urgency from the signal's severity, raised for signals worse than their severity (host silent). */
export function urgencyOf(settings: IncidentSettings, severity: Severity, check: string): Scale {
  return clamp(
    settings.urgency[severity] + (severity === 'critical' ? (settings.urgencyBoost[check] ?? 0) : 0),
  );
}

/** Impact from the host's role and criticality tags: the first impact rule it matches. */
export function impactOf(settings: IncidentSettings, host: HostFacts | null): Scale {
  if (!host) return settings.impactFallback;
  for (const rule of settings.impactRules) {
    if (rule.role !== undefined && rule.role !== host.role) continue;
    if (rule.tag !== undefined && !host.tags.includes(rule.tag)) continue;
    return rule.impact;
  }
  return settings.impactFallback;
}

/** GLPI's rule: priority = matrix[urgency][impact]. */
export function priorityOf(settings: IncidentSettings, urgency: Scale, impact: Scale): Priority {
  return settings.priorityMatrix[urgency][impact];
}

/** The support level for a fault: the first routing rule whose every condition holds. */
export function routeOf(
  settings: IncidentSettings,
  fault: { check: string; host: HostFacts | null; priority: number; severity?: Severity },
): { level: SupportLevel; route: string } {
  const category = isCheckKind(fault.check) ? CHECK_KINDS[fault.check].category : undefined;
  for (const rule of settings.routing) {
    if (rule.checks && !rule.checks.includes(fault.check)) continue;
    if (rule.categories && (category === undefined || !rule.categories.includes(category))) continue;
    if (rule.roles && (!fault.host || !rule.roles.includes(fault.host.role))) continue;
    if (rule.tags && (!fault.host || !rule.tags.every((tag) => fault.host?.tags.includes(tag)))) continue;
    if (rule.minPriority !== undefined && fault.priority < rule.minPriority) continue;
    if (rule.severities && (fault.severity === undefined || !rule.severities.includes(fault.severity)))
      continue;
    return { level: rule.level, route: rule.name };
  }
  return { level: settings.defaultLevel, route: 'default' };
}

/** Grade a fault: urgency, impact, priority and level. */
export function gradeOf(
  settings: IncidentSettings,
  fault: { check: string; host: HostFacts | null; severity: Severity; impact?: Scale },
): Grade {
  const urgency = urgencyOf(settings, fault.severity, fault.check);
  const impact = fault.impact ?? impactOf(settings, fault.host);
  const priority = priorityOf(settings, urgency, impact);
  const { level, route } = routeOf(settings, {
    check: fault.check,
    host: fault.host,
    priority,
    severity: fault.severity,
  });
  return { severity: fault.severity, urgency, impact, priority, level, route };
}

/** The higher of two levels: the engine raises levels, only people lower them. */
export function maxLevel(a: SupportLevel, b: SupportLevel): SupportLevel {
  return SUPPORT_LEVELS.indexOf(a) >= SUPPORT_LEVELS.indexOf(b) ? a : b;
}
