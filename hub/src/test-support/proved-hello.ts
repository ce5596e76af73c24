import { createPrivateKey, hkdfSync, sign } from 'node:crypto';
import {
  type EnrolResponse,
  HELLO_KEY_INFO,
  HELLO_PROOF_SCHEME,
  type Hello,
  helloProofPayload,
} from '@vigie/shared';
import { helloFor } from './test-hub.js';

// The agent's side of 0025, written again here (the hub may not import the agent): a hello proved
// over `nonce` with the key derived from `secret`. Fixed vectors in both packages tie the two.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A nonce-bound hello of this credential (secret replaceable, e.g. a rotated one). */
export function provedHelloFor(
  credential: EnrolResponse,
  nonce: string,
  overrides: Partial<Hello> & { secret?: string } = {},
): Hello {
  const { secret = credential.secret, ...rest } = overrides;
  const hello = helloFor(credential, {
    ...rest,
    credential: { agentId: rest.credential?.agentId ?? credential.agentId },
  });
  const seed = Buffer.from(hkdfSync('sha256', Buffer.from(secret), Buffer.alloc(0), HELLO_KEY_INFO, 32));
  const key = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const payload = helloProofPayload({
    nonce,
    agentId: hello.credential.agentId,
    bootId: hello.bootId,
    fingerprint: hello.fingerprint,
    protocolVersion: hello.protocolVersion,
  });
  const signature = sign(null, Buffer.from(payload), key).toString('base64url');
  return { ...hello, proof: { scheme: HELLO_PROOF_SCHEME, signature } };
}

/** A nonce as the hub offers them (43 base64url characters), distinct per `n`. */
export function testNonce(n: number): string {
  return Buffer.alloc(32, n).toString('base64url');
}
