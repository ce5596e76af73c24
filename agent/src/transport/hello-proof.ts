import { createPrivateKey, hkdfSync, sign } from 'node:crypto';
import { HELLO_KEY_INFO, HELLO_PROOF_SCHEME, type Hello, helloNonce, helloProofPayload } from '@vigie/shared';
import type { Log } from '../logger.js';

// PKCS#8 DER of an Ed25519 private key, up to its 32-byte seed.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Ed25519 signature, base64url, by the hello key derived from `secret` (HKDF-SHA256, 0025). */
export function signHelloProof(secret: string, payload: string): string {
  const seed = Buffer.from(
    hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), HELLO_KEY_INFO, 32),
  );
  const key = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return sign(null, Buffer.from(payload, 'utf8'), key).toString('base64url');
}

/** The hello without its secret, proving it instead over the nonce this socket was offered. */
export function proveHello(hello: Hello, nonce: string): Hello {
  const { secret, ...credential } = hello.credential;
  const payload = helloProofPayload({
    nonce,
    agentId: credential.agentId,
    bootId: hello.bootId,
    fingerprint: hello.fingerprint,
    protocolVersion: hello.protocolVersion,
  });
  return {
    ...hello,
    credential,
    proof: { scheme: HELLO_PROOF_SCHEME, signature: signHelloProof(secret ?? '', payload) },
  };
}

/** `helloNonce`'s hand-written twin: true only for a nonce the schema accepts (it changes none). */
export function isPlainHelloNonce(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}

/**
 * Which hello each socket gets: a proof whenever the hub offered a nonce, the bare secret only to
 * a hub that offers none, or once after the hub said it has no hello key for this agent yet (4014).
 */
export function createHelloChooser(log: Log) {
  let legacyOnce = false;
  return {
    choose(hello: Hello, offered: string | string[] | undefined): Hello {
      // The usual nonce without zod (decision 0039); anything else is judged by the schema.
      const nonce = isPlainHelloNonce(offered)
        ? { success: true as const, data: offered }
        : helloNonce.safeParse(offered);
      if (!nonce.success) {
        if (offered !== undefined) log.warn('hub offered a malformed hello nonce; sending a legacy hello');
        return hello;
      }
      if (legacyOnce) {
        legacyOnce = false;
        log.warn('hub has no hello key for this agent yet: sending the secret once (legacy hello)');
        return hello;
      }
      return proveHello(hello, nonce.data);
    },
    /** The hub closed with 4014: the next hello carries the secret, so the hub can derive the key. */
    keyMissing(): void {
      legacyOnce = true;
    },
  };
}
