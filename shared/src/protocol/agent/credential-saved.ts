import { z } from 'zod';
import { agentId } from '../primitives.js';

/** The agent stored the secret of the last `credential` message durably: the old one may go. */
export const credentialSavedSchema = z.object({
  type: z.literal('credentialSaved'),
  agentId,
});
export type CredentialSavedMessage = z.infer<typeof credentialSavedSchema>;
