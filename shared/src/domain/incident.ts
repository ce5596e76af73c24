/** Support levels, from helpdesk to experts (N0, self-help, is articles, not a queue). */
export const SUPPORT_LEVELS = ['N1', 'N2', 'N3'] as const;
export type SupportLevel = (typeof SUPPORT_LEVELS)[number];

/** Incident lifecycle states (ITIL); `escalated` is a marker on the incident, not a state. */
export const INCIDENT_STATES = [
  'new',
  'acknowledged',
  'in_progress',
  'pending',
  'resolved',
  'closed',
] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];
/** States in which an incident is open: at most one open incident per dedup key. */
export const OPEN_INCIDENT_STATES = [
  'new',
  'acknowledged',
  'in_progress',
  'pending',
] as const satisfies readonly IncidentState[];

/** GLPI's scale: 1 very low … 5 very high (6 "major" is set by hand only). */
export const PRIORITIES = {
  1: 'very low',
  2: 'low',
  3: 'medium',
  4: 'high',
  5: 'very high',
  6: 'major',
} as const;
export type Priority = keyof typeof PRIORITIES;
