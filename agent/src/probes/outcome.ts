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
