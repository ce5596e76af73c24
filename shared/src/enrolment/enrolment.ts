import { z } from 'zod';
import { HOST_ROLES, osInfoSchema } from '../domain/host.js';
import { agentId, fingerprint, name } from '../protocol/primitives.js';
import { signingPublicKeySchema } from '../update/agent-update.js';

/** POST /api/v1/enrol: an agent trades an enrolment token for its own credential. */
export const enrolRequestSchema = z.object({
  token: z.string().min(16).max(256),
  fingerprint,
  hostname: name,
  os: osInfoSchema,
  /** Overrides the role the hub would guess from the OS; admins may change it later. */
  role: z.enum(HOST_ROLES).optional(),
});
export type EnrolRequest = z.infer<typeof enrolRequestSchema>;

export const enrolResponseSchema = z.object({
  agentId,
  /** Shown once; the hub keeps only its hash. */
  secret: z.string().min(16).max(256),
  hostId: z.string().min(1).max(64),
  /** The hub's ed25519 key for agent updates, pinned by the agent (absent: the hub signs nothing). */
  signingKey: signingPublicKeySchema.optional(),
});
export type EnrolResponse = z.infer<typeof enrolResponseSchema>;
