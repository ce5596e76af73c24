import type { IncidentNotice } from '../incidents/notifier.js';

/** One notice on its way to one channel. The key stays the same on every attempt. */
export interface Delivery {
  readonly deliveryKey: string;
  readonly notice: IncidentNotice;
  /** 1 for the first attempt. */
  readonly attempt: number;
}

/**
 * What a sender reports. `retryable: false` means trying again cannot help (a 4xx, a refused
 * target, a rejected recipient): the delivery goes dead at once instead of burning its attempts.
 */
export type SendResult = { ok: true } | { ok: false; error: string; retryable: boolean };

/** Test deliveries (POST /notification-channels/:id/test) carry this key prefix. */
export const TEST_KEY_PREFIX = 'test/';
