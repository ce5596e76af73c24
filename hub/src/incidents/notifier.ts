import type { Priority, SupportLevel } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { ReasonCode } from './text/codes.js';

/** The kinds a channel chooses to hear. */
export const NOTICE_KINDS = [
  'opened',
  'reopened',
  'escalated',
  'priority_raised',
  'sla_warning',
  'resolved',
] as const;
/**
 * `recovered` is not chosen: it goes to exactly the channels already told about the incident,
 * the counterpart of the page they got (DESIGN.md, "A fault clears").
 */
export type NoticeKind = (typeof NOTICE_KINDS)[number] | 'recovered';

/** Something technicians must hear about, as the incident engine hands it to notifications. */
export interface IncidentNotice {
  readonly kind: NoticeKind;
  /**
   * Stable across retries and re-evaluations so receivers can deduplicate: `incident/level` for
   * openings and escalations (DESIGN.md), `incident/kind/n` for the rest.
   */
  readonly deliveryKey: string;
  readonly incidentId: string;
  readonly level: SupportLevel;
  readonly priority: Priority;
  /** English title (machine readers); `titleCode` + `titleParams` render it in a channel's language. */
  readonly title: string;
  /** Absent on notices queued before titles were codes. */
  readonly titleCode?: string | null;
  /** JSON parameters of `titleCode`. */
  readonly titleParams?: string | null;
  readonly client: string;
  readonly site: string;
  readonly hostId: string | null;
  readonly hostname: string | null;
  readonly check: string;
  readonly resource: string;
  readonly state: string;
  readonly at: number;
  /** When the fault was seen cleared, while the incident waits out its quiet period (or resolved after it). */
  readonly recoveredAt?: number;
  /** Why, in one sentence (e.g. "SLA time to own passed at N1"), in English. */
  readonly reason: string;
  /** The same as data, rendered in the channel's language (0027): a code of `REASON_CODES`. */
  readonly reasonCode?: ReasonCode;
  readonly reasonParams?: Readonly<Record<string, string | number | null>>;
  /**
   * Set by escalation policy steps: tell this level's channels, or this one channel, instead of
   * the channels of `level` (the incident's level).
   */
  readonly to?: { readonly level: SupportLevel } | { readonly channelId: string } | undefined;
  /** Who was on duty for the level told when the notice was written (e-mail may add them). */
  readonly onCall?: { readonly userId: string; readonly name: string; readonly email: string | null } | null;
}

/**
 * The seam between the incident engine and notifications: called inside the engine's
 * transaction, so a notice is queued (outbox) if and only if the incident change committed.
 */
export interface IncidentNotifier {
  notify(trx: Kysely<Database>, notice: IncidentNotice): Promise<void>;
}
