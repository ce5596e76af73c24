import type { CheckStateMessage, RemediationResultMessage, RemediationRule } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/** What the N0 service decided for a failing check, handed back to it once the engine has decided. */
export type RemediationPlan =
  /** An episode already runs for this key: the fault is still (or again) there. */
  | { readonly kind: 'active'; readonly id: string }
  /** A new episode if the engine opens (or, when the rule allows, holds for maintenance). */
  | {
      readonly kind: 'new';
      readonly key: string;
      readonly hostId: string;
      readonly client: string;
      readonly check: string;
      readonly resource: string;
      readonly rule: RemediationRule;
    };

/**
 * The N0 hooks ingest calls inside the transaction that stores an agent's message, so the agent's
 * ack covers the remediation change too (decision 0029).
 */
export interface RemediationHooks {
  /** A failing check: a plan means "open without paging, N0 goes first". */
  beforeFault(
    trx: Kysely<Database>,
    hostId: string,
    message: CheckStateMessage,
    now: number,
  ): Promise<RemediationPlan | undefined>;
  /** The engine's decision on that signal: an opening (or a maintenance hold) starts the episode. */
  afterFault(
    trx: Kysely<Database>,
    plan: RemediationPlan,
    outcome: { decision: string; incidentId: string | null },
    now: number,
  ): Promise<void>;
  /** An ok check: true when an N0 episode took it (the engine must not announce a recovery). */
  recovered(trx: Kysely<Database>, hostId: string, message: CheckStateMessage, now: number): Promise<boolean>;
  /** An agent's answer to a `remediate`. */
  result(
    trx: Kysely<Database>,
    hostId: string,
    message: RemediationResultMessage,
    now: number,
  ): Promise<void>;
}
