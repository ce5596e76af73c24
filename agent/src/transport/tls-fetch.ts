import * as http from 'node:http';
import * as https from 'node:https';

/**
 * A `fetch` for the enrolment call that trusts `ca` (PEM certificates) for https. Node's global
 * fetch takes its CAs from undici, which is not a dependency here; node:https takes them directly.
 * Enough of fetch for one JSON POST: method, headers, string body, signal; redirects are not followed.
 */
export function createTlsFetch(ca: readonly string[]): typeof fetch {
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const headers = Object.fromEntries(new Headers(init?.headers).entries());
      const options: https.RequestOptions = {
        method: init?.method ?? 'GET',
        headers,
        signal: init?.signal ?? undefined,
      };
      const request =
        url.protocol === 'https:'
          ? https.request(url, { ...options, ca: [...ca] })
          : http.request(url, options);
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (typeof value === 'string') responseHeaders.set(name, value);
            else if (Array.isArray(value)) for (const item of value) responseHeaders.append(name, item);
          }
          const status = response.statusCode ?? 0;
          const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, headers: responseHeaders }));
        });
      });
      // fetch reports network failures as a TypeError whose cause is the system error.
      // An aborted request rejects with the signal's reason (a TimeoutError for AbortSignal.timeout).
      request.on('error', (error) =>
        reject(init?.signal?.aborted ? init.signal.reason : new TypeError('fetch failed', { cause: error })),
      );
      if (typeof init?.body === 'string') request.write(init.body);
      request.end();
    });
}
