import type { RemediationAction, SupportLevel } from '@vigie/shared';

/**
 * Where an N0 episode is: `pending` (an attempt is due at `next_at`), `sent` (waiting for the
 * agent's answer until `next_at`), `verifying` (the action ran; the check must be ok by `next_at`),
 * then one of the ends: `succeeded` (resolved by N0), `exhausted` (paged after its attempts),
 * `refused` (the agent would not: paged), `cancelled` (a technician took it, or it resolved alone).
 */
export const REMEDIATION_STATES = [
  'pending',
  'sent',
  'verifying',
  'succeeded',
  'exhausted',
  'refused',
  'cancelled',
] as const;
export type RemediationState = (typeof REMEDIATION_STATES)[number];
export const ACTIVE_REMEDIATION_STATES = ['pending', 'sent', 'verifying'] as const;

/** One N0 episode: a failing check the hub chose to remediate before paging (decision 0029). */
export interface RemediationsTable {
  id: string;
  /** Null when it runs inside a maintenance window the policy allows (no incident then). */
  incident_id: string | null;
  dedup_key: string;
  host_id: string;
  client: string;
  check: string;
  resource: string;
  action: RemediationAction;
  /** JSON RemediationParams. */
  params: string;
  max_attempts: number;
  window_sec: number;
  verify_sec: number;
  /** The level the incident would have been paged to: its median handling time is the time N0 saved. */
  level: SupportLevel;
  state: RemediationState;
  attempts: number;
  next_at: number;
  /** Why it ended (a refusal's reason, `acknowledged`, `no-answer`…). */
  reason: string | null;
  /** When the agent said the check is ok again during the episode (cleared if the fault returns). */
  recovered_at: number | null;
  created_at: number;
  updated_at: number;
  ended_at: number | null;
}

/** One attempt sent to an agent and what it answered (`no-answer` when nothing came in time). */
export interface RemediationAttemptsTable {
  id: string;
  remediation_id: string;
  host_id: string;
  check: string;
  resource: string;
  action: RemediationAction;
  attempt: number;
  sent_at: number;
  result_at: number | null;
  outcome: 'done' | 'failed' | 'refused' | 'no-answer' | null;
  reason: string | null;
  /** JSON figures of the run (files removed, bytes freed, exit code, duration). */
  detail: string;
}
