/** pending → sending (leased) → sent, or back to pending with a backoff, or dead after N attempts. */
export const OUTBOX_STATES = ['pending', 'sending', 'sent', 'dead'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/**
 * One delivery of one notice to one channel. Unique on (delivery_key, channel_id), so queueing
 * the same notice twice is a no-op; receivers deduplicate resends (at-least-once) on the key.
 */
export interface OutboxTable {
  id: string;
  delivery_key: string;
  channel_id: string;
  /** The notice as JSON; rendered for the channel at send time. */
  payload: string;
  state: OutboxState;
  /** Attempts started (counted at claim time, so a crash mid-send counts too). */
  attempts: number;
  /** When pending: not before. When sending: the lease end, after which another worker may re-claim. */
  next_attempt_at: number;
  /** Token of the claim holding the lease; marks after a send only apply if it still matches. */
  claimed_by: string | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}
