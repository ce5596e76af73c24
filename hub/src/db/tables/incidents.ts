import type { IncidentState, Priority, SupportLevel } from '@vigie/shared';

export const INCIDENT_SOURCES = ['agent', 'hub', 'manual'] as const;
export type IncidentSource = (typeof INCIDENT_SOURCES)[number];
export const GROUP_KINDS = ['host', 'site', 'storm'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];
export type Severity = 'warning' | 'critical';
/** `n0`: the fault went away after an N0 remediation, before anyone was paged (decision 0029). */
export type Resolution = 'auto' | 'manual' | 'n0';

/** One ticket. Times are epoch milliseconds of the hub's clock. */
export interface IncidentsTable {
  id: string;
  /** `client/host/check[/resource]`: what makes two signals the same fault. */
  dedup_key: string;
  /** = dedup_key while open, NULL after; a plain unique index keeps one open incident per key. */
  open_key: string | null;
  source: IncidentSource;
  client: string;
  site: string;
  host_id: string | null;
  check: string;
  resource: string;
  /** English rendering of title_code (API, rows from before codes). */
  title: string;
  /** The title as data (incidents/text/codes.ts); null on rows from before. */
  title_code: string | null;
  /** JSON parameters of title_code: names and figures, never ids. */
  title_params: string | null;
  state: IncidentState;
  severity: Severity;
  urgency: number;
  impact: number;
  priority: Priority;
  /** 1 when a technician set the priority: the engine no longer changes it. */
  priority_manual: number;
  level: SupportLevel;
  flapping: number;
  flaps: number;
  resolution: Resolution | null;
  /** Set on a parent that groups children: what it groups. */
  group_kind: GroupKind | null;
  parent_id: string | null;
  previous_id: string | null;
  problem_id: string | null;
  kb_article_id: string | null;
  occurrences: number;
  first_occurrence_at: number;
  last_occurrence_at: number;
  /** Recovery seen and not yet confirmed by the quiet period. */
  recovered_at: number | null;
  opened_at: number;
  acknowledged_at: number | null;
  assignee: string | null;
  resolved_at: number | null;
  closed_at: number | null;
  updated_at: number;
  /** SLA: each clock's target (business ms), 75 % instant and due instant; NULL before SLA existed. */
  sla_own_target_ms: number | null;
  sla_own_warn_at: number | null;
  sla_own_due_at: number | null;
  sla_resolve_target_ms: number | null;
  sla_resolve_warn_at: number | null;
  sla_resolve_due_at: number | null;
  /** Set while pending: the clocks stand still and move their due times on resuming. */
  sla_paused_since: number | null;
  /** Wall time spent pending so far. */
  sla_paused_ms: number;
  /** The warning of the time to own was sent (once). */
  sla_warned_at: number | null;
  sla_resolve_warned_at: number | null;
  /** The clock passed 100 % and the incident was escalated for it (once per clock). */
  sla_own_breached_at: number | null;
  sla_resolve_breached_at: number | null;
  escalated_at: number | null;
}

/** The timeline: every change of every incident, who or what made it, when. */
export interface IncidentEventsTable {
  id: string;
  /** NULL for a held signal's record until its ticket exists. */
  incident_id: string | null;
  dedup_key: string;
  at: number;
  /** `rule:<check>`, `user:<name>` or `system`. */
  actor: string;
  kind: string;
  /** JSON object. */
  detail: string;
}

export const HOLD_REASONS = ['maintenance', 'inhibited'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/** A failing signal kept back from ticketing (maintenance window, host silent); released later. */
export interface HeldSignalsTable {
  dedup_key: string;
  reason: HoldReason;
  /** The window id or the inhibiting incident id. */
  reason_ref: string | null;
  host_id: string | null;
  held_since: number;
  last_at: number;
  /** JSON of the signal, replayed when released. */
  signal: string;
}
