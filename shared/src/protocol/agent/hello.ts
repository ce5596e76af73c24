import { z } from 'zod';
import { osInfoSchema } from '../../domain/host.js';
import { helloProofSchema } from '../hello-proof.js';
import { LIMITS } from '../limits.js';
import { agentId, bootId, fingerprint, name } from '../primitives.js';

/**
 * First frame of every connection. Nothing else is accepted before it; identity comes from the
 * credential checked here, never from fields of later messages. It carries either the secret
 * (legacy, to a hub that offered no nonce) or a `proof` over the socket's nonce, never both.
 */
export const helloSchema = z
  .object({
    type: z.literal('hello'),
    protocolVersion: z.number().int().min(1).max(1000),
    credential: z.object({
      agentId,
      /** Legacy: the bearer secret itself. Absent when `proof` is present. */
      secret: z.string().min(16).max(LIMITS.maxSecretLength).optional(),
    }),
    /** Proof of the secret over the nonce the hub offered on this socket (hello-proof.ts). */
    proof: helloProofSchema.optional(),
    fingerprint,
    agentVersion: z.string().min(1).max(64),
    hostname: name,
    os: osInfoSchema,
    bootId,
    /**
     * Optional features this agent supports (`probes`). The hub sends a message type only to agents
     * that announced it; a hub that predates the field ignores it.
     */
    capabilities: z.array(z.string().min(1).max(64)).max(32).optional(),
  })
  .refine((hello) => (hello.credential.secret === undefined) !== (hello.proof === undefined), {
    error: 'a hello carries either credential.secret or proof',
  });
export type Hello = z.infer<typeof helloSchema>;
