import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { agentId, epochMs } from '../primitives.js';

/**
 * A rotated secret for the agent on this (authenticated) socket. The agent saves it, then answers
 * `credentialSaved`; the old secret keeps working until `previousValidUntil` or that answer.
 */
export const credentialMessageSchema = z.object({
  type: z.literal('credential'),
  agentId,
  secret: z.string().min(16).max(LIMITS.maxSecretLength),
  previousValidUntil: epochMs,
});
export type CredentialMessage = z.infer<typeof credentialMessageSchema>;
