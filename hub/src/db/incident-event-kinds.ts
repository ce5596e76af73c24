/**
 * Every kind of timeline event the incident engine writes. The repository accepts only these,
 * so a new kind cannot be written before it is listed here — and the console's dictionaries are
 * tested against this list, so it cannot reach a technician's screen without a label.
 */
export const INCIDENT_EVENT_KINDS = [
  // A signal's life on its ticket.
  'opened',
  'occurrence',
  'flapping',
  'priority_raised',
  'recovery_seen',
  // A restarted or reconnected agent's snapshot says the check is ok or no longer runs (0024).
  'recovered_by_snapshot',
  'resolution_proposed',
  'resolved',
  'closed',
  'reopened',
  'followed_by',
  // Held signals (inhibited by a silent host, a maintenance window, a blip) and their fate.
  'held',
  'inhibited_occurrence',
  'recovered_while_held',
  'released',
  'held_dropped',
  // Grouping.
  'child_attached',
  'raised_by_child',
  'attached_to_parent',
  'detached_from_parent',
  'problem_linked',
  // Grade and clocks.
  'regraded',
  'sla_warning',
  'sla_breached',
  'sla_recomputed',
  'escalated',
  'escalation_notified',
  // Technicians' actions (besides escalated, resolved, closed and reopened above).
  'acknowledged',
  'assigned',
  'comment',
  'pending',
  'deescalated',
  // N0 remediation before a ticket is paged (decision 0029).
  'remediation_started',
  'remediation_attempt',
  'remediation_result',
  'remediation_succeeded',
  'remediation_exhausted',
  'remediation_refused',
  'remediation_cancelled',
] as const;

export type IncidentEventKind = (typeof INCIDENT_EVENT_KINDS)[number];
