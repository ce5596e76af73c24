import { isIP } from 'node:net';
import { connect } from 'node:tls';
import { elapsedMs, errorCode, noAnswer, type ProbeFinding, settleOnce, shortMessage } from './outcome.js';

type TlsSpec = { host: string; port: number; servername?: string | undefined; timeoutMs: number };

/**
 * `tls` probe: a handshake, to read the certificate the service presents and its end of validity.
 * The chain is not required to be trusted (internal services use private CAs and self-signed
 * certificates); whether it was is said in the message. The hub turns `certNotAfter` into stages.
 */
export function probeTls(spec: TlsSpec): Promise<ProbeFinding> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    const servername = spec.servername ?? (isIP(spec.host) === 0 ? spec.host : undefined);
    const socket = connect({
      host: spec.host,
      port: spec.port,
      rejectUnauthorized: false,
      ...(servername !== undefined && { servername }),
    });
    const finish = settleOnce(
      resolve,
      () => socket.destroy(),
      spec.timeoutMs,
      () => noAnswer('tls', 'TIMEOUT', `no handshake within ${spec.timeoutMs} ms`),
    );
    const fail = (error: string, message: string) => finish(noAnswer('tls', error, message));
    socket.once('error', (error) => fail(errorCode(error), error.message));
    socket.once('secureConnect', () => {
      const latencyMs = elapsedMs(startedAt, performance.now());
      const cert = socket.getPeerCertificate();
      const notAfter = cert?.valid_to ? Date.parse(cert.valid_to) : Number.NaN;
      if (!Number.isFinite(notAfter)) {
        fail('NO_CERTIFICATE', 'the server presented no certificate');
        return;
      }
      const trust = socket.authorized
        ? 'trusted'
        : `not trusted here (${String(socket.authorizationError ?? 'unknown')})`;
      finish({
        outcome: 'ok',
        method: 'tls',
        latencyMs,
        lossPct: 0,
        certNotAfter: notAfter,
        message: shortMessage(`certificate valid until ${new Date(notAfter).toISOString()}, ${trust}`),
      });
    });
  });
}
