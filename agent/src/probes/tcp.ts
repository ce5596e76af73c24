import { connect } from 'node:net';
import { elapsedMs, errorCode, noAnswer, type ProbeFinding, settleOnce } from './outcome.js';

/** How one TCP connect attempt ended. */
export type ConnectAttempt =
  | { readonly kind: 'connected'; readonly ms: number }
  /** The host answered with a reset: it is up, the port is closed. */
  | { readonly kind: 'refused'; readonly ms: number }
  | { readonly kind: 'failed'; readonly error: string };

/** One connect to `host:port`, closed at once; never throws. */
export function tcpConnect(
  host: string,
  port: number,
  timeoutMs: number,
  monotonic: () => number = () => performance.now(),
): Promise<ConnectAttempt> {
  return new Promise((resolve) => {
    const startedAt = monotonic();
    const socket = connect({ host, port });
    const finish = settleOnce<ConnectAttempt>(
      resolve,
      () => socket.destroy(),
      timeoutMs,
      () => ({ kind: 'failed', error: 'TIMEOUT' }),
    );
    socket.once('connect', () => finish({ kind: 'connected', ms: elapsedMs(startedAt, monotonic()) }));
    socket.once('error', (error) => {
      if (errorCode(error) === 'ECONNREFUSED')
        finish({ kind: 'refused', ms: elapsedMs(startedAt, monotonic()) });
      else finish({ kind: 'failed', error: errorCode(error) });
    });
  });
}

/** `tcp` probe: the port must accept a connection. */
export async function probeTcp(spec: {
  host: string;
  port: number;
  timeoutMs: number;
}): Promise<ProbeFinding> {
  const attempt = await tcpConnect(spec.host, spec.port, spec.timeoutMs);
  if (attempt.kind === 'connected')
    return { outcome: 'ok', method: 'tcp', latencyMs: attempt.ms, lossPct: 0 };
  const error = attempt.kind === 'refused' ? 'ECONNREFUSED' : attempt.error;
  return noAnswer(
    'tcp',
    error,
    `${spec.host}:${spec.port}: ${error === 'ECONNREFUSED' ? 'connection refused (port closed)' : error}`,
  );
}
