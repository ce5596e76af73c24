import { createPrivateKey, createPublicKey, hkdfSync, verify } from 'node:crypto';
import { HELLO_KEY_INFO, type HelloProofInput, helloProofPayload } from '@vigie/shared';
import type { RandomBytes } from './secrets.js';

// PKCS#8 DER of an Ed25519 private key, up to its 32-byte seed.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
// SPKI DER of an Ed25519 public key, up to its 32 bytes.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * The public half of the agent's hello key, base64url. The private half is derived from the secret
 * (HKDF-SHA256, info `vigie-hello-key/1`) by the agent on each hello; the hub derives this half
 * whenever it holds the raw secret (enrolment, rotation, a legacy hello) and stores only it, so a
 * stolen row lets nobody sign a hello (docs/decisions/0025-nonce-bound-hello.md).
 */
export function helloPublicKey(secret: string): string {
  const seed = Buffer.from(
    hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), HELLO_KEY_INFO, 32),
  );
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return spki.subarray(ED25519_SPKI_PREFIX.length).toString('base64url');
}

/** A fresh nonce for one socket: 32 bytes of the injected random source, base64url. */
export function createHelloNonce(random: RandomBytes): string {
  return random(32).toString('base64url');
}

/** Whether `signature` is the agent's signature, by the key `publicKey`, over this socket's payload. */
export function helloProofValid(publicKey: string, signature: string, input: HelloProofInput): boolean {
  const raw = Buffer.from(publicKey, 'base64url');
  const sig = Buffer.from(signature, 'base64url');
  if (raw.length !== 32 || sig.length !== 64) return false;
  try {
    const key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
      format: 'der',
      type: 'spki',
    });
    return verify(null, Buffer.from(helloProofPayload(input), 'utf8'), key, sig);
  } catch {
    return false;
  }
}
