import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { SendResult } from './delivery.js';
import type { CheckedTarget, TargetGuard } from './target-guard.js';

// Statuses worth retrying; other 4xx mean the request itself is wrong and will stay wrong.
const RETRYABLE_STATUSES = new Set([408, 425, 429]);

/** A lookup that answers with the address the guard checked, whatever DNS says now. */
function pinnedLookup(target: CheckedTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}

/** POST a JSON body to a checked target, connecting only to its checked address. */
export function postJson(
  target: CheckedTarget,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<SendResult> {
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      target.url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'vigie-hub',
          ...headers,
        },
        lookup: pinnedLookup(target),
        // Redirects are not followed (http.request never does): a 3xx could point past the guard.
        signal: AbortSignal.timeout(timeoutMs),
        agent: false,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        response.resume();
        response.once('error', () => {});
        if (status >= 200 && status < 300) return resolve({ ok: true });
        resolve({
          ok: false,
          error: `HTTP ${status}`,
          retryable: status >= 500 || RETRYABLE_STATUSES.has(status),
        });
      },
    );
    request.once('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.name === 'AbortError' || error.name === 'TimeoutError' ? 'timed out' : error.message;
      resolve({ ok: false, error: `${target.url.host}: ${reason}`, retryable: true });
    });
    request.end(body);
  });
}

/** Check the URL with the guard (DNS may have changed since the channel was created), then POST. */
export async function guardedPost(
  guard: TargetGuard,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<SendResult> {
  const checked = await guard.check(url);
  if (!checked.ok) {
    // A name that fails to resolve may come back; a forbidden address is a decision.
    return { ok: false, error: checked.message, retryable: checked.code === 'TARGET_UNRESOLVED' };
  }
  return postJson(checked.target, body, headers, timeoutMs);
}
