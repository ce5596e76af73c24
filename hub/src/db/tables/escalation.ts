import type { SupportLevel } from '@vigie/shared';

/** Business hours for SLA clocks; client '' = every client, site '' = the whole client. */
export interface BusinessCalendarsTable {
  id: string;
  name: string;
  client: string;
  site: string;
  timezone: string;
  /** JSON array of `{ days, from, to }`. */
  hours: string;
  /** JSON array of `YYYY-MM-DD`. */
  holidays: string;
  created_at: number;
  updated_at: number;
}

/** Who is told, when, until someone owns the incident; per level, optionally per client. */
export interface EscalationPoliciesTable {
  id: string;
  name: string;
  level: SupportLevel;
  /** '' = every client without a policy of its own. */
  client: string;
  /** JSON array of `{ waitSec, notify, repeat? }`. */
  steps: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

export const ESCALATION_RUN_STATES = ['active', 'done', 'stopped'] as const;
export type EscalationRunState = (typeof ESCALATION_RUN_STATES)[number];

/** A policy running for one incident at one level; claimed by one sweep at a time (lease). */
export interface IncidentEscalationsTable {
  /** `incident/level`. */
  id: string;
  incident_id: string;
  level: SupportLevel;
  /** NULL when the stock policy of the level applied. */
  policy_id: string | null;
  /** The policy's steps as they were when the run started (JSON). */
  steps: string;
  started_at: number;
  /** The next firing, from 1; its delivery key is `incident/level[/step-n]`. */
  next_n: number;
  next_at: number;
  state: EscalationRunState;
  claim_token: string | null;
  lease_until: number | null;
  updated_at: number;
}

/** How to reach a user (users carry no contact details of their own). */
export interface UserContactsTable {
  user_id: string;
  email: string | null;
  updated_at: number;
}

/** Who is on duty for a level: a rotation, optionally only during some weekly hours. */
export interface OncallSchedulesTable {
  id: string;
  name: string;
  level: SupportLevel;
  /** '' = every client. */
  client: string;
  timezone: string;
  /** JSON `{ kind: 'daily' | 'weekly', startsOn, handoff, members }`. */
  rotation: string;
  /** JSON array of `{ days, from, to }`, or NULL for around the clock. */
  hours: string | null;
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** Someone standing in for the rotation between two instants. */
export interface OncallOverridesTable {
  id: string;
  schedule_id: string;
  user_id: string;
  starts_at: number;
  ends_at: number;
  reason: string;
  created_by: string | null;
  created_at: number;
}
