import type { SendResult } from './delivery.js';

/** Exponential backoff with equal jitter: half the step is fixed, half random. */
export function backoffDelay(
  attempt: number,
  options: { readonly backoffBaseMs: number; readonly backoffMaxMs: number },
  jitter: number,
): number {
  const step = Math.min(options.backoffMaxMs, options.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (jitter * step) / 2);
}

/** Resolve as a retryable failure if the work takes longer than `ms`. */
export function withTimeout(work: Promise<SendResult>, ms: number): Promise<SendResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<SendResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: 'timed out', retryable: true }), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
