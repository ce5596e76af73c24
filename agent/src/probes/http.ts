import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { elapsedMs, errorCode, noAnswer, type ProbeFinding, settleOnce } from './outcome.js';

/** Body bytes read for a match; a probe is not a download. */
export const MAX_BODY_BYTES = 64 * 1024;

type HttpSpec = {
  url: string;
  expectStatus: readonly number[];
  bodyMatch?: string | undefined;
  tlsVerify: boolean;
  timeoutMs: number;
};

/** The certificate's end of validity, when the response came over TLS. */
function certNotAfter(response: IncomingMessage): number | undefined {
  const socket = response.socket as TLSSocket | null;
  if (!socket || typeof socket.getPeerCertificate !== 'function') return undefined;
  const validTo = socket.getPeerCertificate()?.valid_to;
  const at = validTo ? Date.parse(validTo) : Number.NaN;
  return Number.isFinite(at) ? at : undefined;
}

const statusAccepted = (expect: readonly number[], status: number) =>
  expect.length === 0 ? status >= 200 && status < 400 : expect.includes(status);

/**
 * `http` probe: one GET, redirects not followed (a redirect elsewhere would probe a target nobody
 * allowed), the status checked, and the first 64 KiB of the body searched for `bodyMatch`.
 * Latency is the time to the response headers.
 */
export function probeHttp(spec: HttpSpec): Promise<ProbeFinding> {
  return new Promise((resolve) => {
    const url = new URL(spec.url);
    const https = url.protocol === 'https:';
    const startedAt = performance.now();
    const request = https ? httpsRequest : httpRequest;
    const req = request(url, {
      method: 'GET',
      agent: false,
      headers: { 'user-agent': 'vigie-agent-probe', accept: '*/*', connection: 'close' },
      ...(https && { rejectUnauthorized: spec.tlsVerify }),
    });
    const finish = settleOnce(
      resolve,
      () => req.destroy(),
      spec.timeoutMs,
      () => noAnswer('http', 'TIMEOUT', `no complete answer within ${spec.timeoutMs} ms`),
    );
    const fail = (error: string, message: string, extra: Partial<ProbeFinding> = {}) =>
      finish({ ...noAnswer('http', error, message), ...extra });
    req.once('error', (error) => fail(errorCode(error), error.message));
    req.once('response', (response) => {
      const latencyMs = elapsedMs(startedAt, performance.now());
      const status = response.statusCode ?? 0;
      const cert = https ? certNotAfter(response) : undefined;
      const seen = { status, ...(cert !== undefined && { certNotAfter: cert }) };
      if (!statusAccepted(spec.expectStatus, status)) {
        fail('STATUS', `status ${status} not accepted`, { ...seen, latencyMs });
        return;
      }
      if (spec.bodyMatch === undefined) {
        finish({ outcome: 'ok', method: 'http', latencyMs, lossPct: 0, ...seen });
        return;
      }
      const needle = spec.bodyMatch;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (body.includes(needle)) finish({ outcome: 'ok', method: 'http', latencyMs, lossPct: 0, ...seen });
        else if (Buffer.byteLength(body) >= MAX_BODY_BYTES)
          fail('BODY_MISMATCH', `"${needle}" not in the first ${MAX_BODY_BYTES} bytes`, {
            ...seen,
            latencyMs,
          });
      });
      response.once('end', () =>
        fail('BODY_MISMATCH', `"${needle}" not in the body`, { ...seen, latencyMs }),
      );
      response.once('error', (error) => fail(errorCode(error), error.message, seen));
    });
    req.end();
  });
}
