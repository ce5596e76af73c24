import { z } from 'zod';
import { REMEDIATION_ACTIONS, remediationParamsSchema } from '../../remediation/actions.js';
import { name, optionalName } from '../primitives.js';

/**
 * Capability an agent announces in `hello` and a hub in `welcome` when it speaks N0 remediation
 * (`remediate` hub → agent, `remediationResult` agent → hub). Either side sends those only to a
 * peer that announced it, so an older agent or hub never sees them (decision 0029).
 */
export const REMEDIATION_CAPABILITY = 'remediation';

/**
 * The hub asks the agent for one attempt of an N0 action on a failing check. The agent runs it
 * only if its own allow-list names it, the parameters pass its checks, its own bound is not spent
 * and its own check is failing — otherwise it answers `refused` with the reason.
 */
export const remediateSchema = z.object({
  type: z.literal('remediate'),
  /** The attempt's id (hub side), echoed in the result. */
  attemptId: z
    .string()
    .min(8)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/),
  check: name,
  resource: optionalName,
  action: z.enum(REMEDIATION_ACTIONS),
  params: remediationParamsSchema,
  /** 1-based attempt number within the episode and the policy's bound (the agent applies its own too). */
  attempt: z.number().int().min(1).max(100),
  maxAttempts: z.number().int().min(1).max(100),
  windowSec: z
    .number()
    .int()
    .min(60)
    .max(7 * 86_400),
});
export type RemediateMessage = z.infer<typeof remediateSchema>;
