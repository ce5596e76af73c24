import { z } from 'zod';

/**
 * Nonce-bound hello (docs/decisions/0025-nonce-bound-hello.md). The hub puts a fresh nonce in the
 * WebSocket upgrade response; the agent answers with a hello that carries no secret but an
 * Ed25519 signature, by a key derived from its secret, over this payload. A recorded hello proves
 * nothing on another socket: that socket has another nonce.
 */
export const HELLO_NONCE_HEADER = 'x-vigie-hello-nonce';

/** The proof scheme; a later one is a new literal, never a new meaning for this one. */
export const HELLO_PROOF_SCHEME = 'ed25519-nonce-1';

/** 32 random bytes, base64url (43 characters). */
export const helloNonce = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export const helloProofSchema = z.object({
  scheme: z.literal(HELLO_PROOF_SCHEME),
  /** Ed25519 signature (64 bytes, base64url) over `helloProofPayload`. */
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/),
});
export type HelloProof = z.infer<typeof helloProofSchema>;

/** What the proof signs: the socket's nonce and who says hello, in an unambiguous encoding. */
export interface HelloProofInput {
  readonly nonce: string;
  readonly agentId: string;
  readonly bootId: string;
  readonly fingerprint: string;
  readonly protocolVersion: number;
}

/** The exact bytes both sides sign and verify (a JSON array: no field can bleed into another). */
export function helloProofPayload(input: HelloProofInput): string {
  return JSON.stringify([
    HELLO_PROOF_SCHEME,
    input.protocolVersion,
    input.agentId,
    input.bootId,
    input.fingerprint,
    input.nonce,
  ]);
}

/** HKDF `info` for the agent's hello key, derived from its secret by agent and hub alike. */
export const HELLO_KEY_INFO = 'vigie-hello-key/1';
