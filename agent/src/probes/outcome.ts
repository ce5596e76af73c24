import type { ProbeResultMessage } from '@vigie/shared';

/** What a runner found, before the runtime adds the probe id and the start time. */
export type ProbeFinding = Omit<ProbeResultMessage, 'type' | 'bootId' | 'seq' | 'probeId' | 'at'>;

/** A short error code for the wire: Node's `code` when there is one (`ECONNREFUSED`), else a name. */
export function errorCode(error: unknown, fallback = 'ERROR'): string {
  const code = (error as { code?: unknown } | null)?.code;
  const text = typeof code === 'string' && code !== '' ? code : fallback;
  return text.slice(0, 64);
}

/** A message for the wire, bounded. */
export function shortMessage(text: string): string {
  return text.length > 512 ? `${text.slice(0, 509)}...` : text;
}

/** Milliseconds with a tenth of precision: latency figures, not timestamps. */
export function elapsedMs(startedAt: number, now: number): number {
  return Math.max(0, Math.round((now - startedAt) * 10) / 10);
}

/** No answer: full loss, no latency, why as a short code and a bounded message. */
export function noAnswer(method: ProbeFinding['method'], error: string, message: string): ProbeFinding {
  return { outcome: 'fail', method, latencyMs: null, lossPct: 100, error, message: shortMessage(message) };
}

/**
 * A socket probe ends once, on whichever comes first of its answer, its error and its timeout
 * (`onTimeout()` after `timeoutMs`): the returned function settles it, clears the timer and
 * releases the socket (`release`); later calls do nothing.
 */
export function settleOnce<T>(
  resolve: (value: T) => void,
  release: () => void,
  timeoutMs: number,
  onTimeout: () => T,
): (value: T) => void {
  let settled = false;
  const settle = (value: T) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    release();
    resolve(value);
  };
  const timer = setTimeout(() => settle(onTimeout()), timeoutMs);
  return settle;
}
