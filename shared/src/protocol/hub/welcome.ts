import { z } from 'zod';
import { policySchema } from '../../policy/policy.js';
import { agentUpdateSchema } from '../../update/agent-update.js';
import { epochMs } from '../primitives.js';

/** The hub accepted the hello; data messages may flow. */
export const welcomeSchema = z.object({
  type: z.literal('welcome'),
  protocolVersion: z.number().int().min(1),
  hostId: z.string().min(1).max(64),
  /** Hub clock at accept time; the agent logs drift but never trusts it for identity. */
  serverTime: epochMs,
  /** Highest seq of the agent's current boot already committed (0 if none). */
  ackedSeq: z.number().int().min(0),
  policy: policySchema,
  /** The agent version this hub serves, signed; absent when it serves none or signs nothing (0017). */
  agentUpdate: agentUpdateSchema.optional(),
  /** Optional message types this hub accepts (`checkSnapshot`); an agent that predates it ignores it. */
  capabilities: z.array(z.string().min(1).max(64)).max(32).optional(),
});
export type WelcomeMessage = z.infer<typeof welcomeSchema>;
