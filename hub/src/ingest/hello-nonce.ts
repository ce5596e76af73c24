import type { IncomingMessage } from 'node:http';
import { HELLO_NONCE_HEADER } from '@vigie/shared';
import type { WebSocketServer } from 'ws';
import { createHelloNonce } from '../security/hello-key.js';
import type { RandomBytes } from '../security/secrets.js';

/**
 * Offers a fresh nonce in every upgrade response of `wss` (0025) and hands it to the socket's
 * session exactly once: the nonce lives only with that socket, so a hello proved over it is worth
 * nothing on any other. Agents that predate the header ignore it.
 */
export function offerHelloNonces(wss: WebSocketServer, random: RandomBytes) {
  const offered = new WeakMap<IncomingMessage, string>();
  wss.on('headers', (headers, request) => {
    const nonce = createHelloNonce(random);
    offered.set(request, nonce);
    headers.push(`${HELLO_NONCE_HEADER}: ${nonce}`);
  });
  return {
    /** The nonce offered on this upgrade request; a second call gets nothing. */
    take(request: IncomingMessage | undefined): string | undefined {
      if (!request) return undefined;
      const nonce = offered.get(request);
      offered.delete(request);
      return nonce;
    },
  };
}
