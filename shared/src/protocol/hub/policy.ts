import { z } from 'zod';
import { policySchema } from '../../policy/policy.js';

/** A new policy for this agent, pushed when an admin changes it. */
export const policyMessageSchema = z.object({
  type: z.literal('policy'),
  policy: policySchema,
});
export type PolicyMessage = z.infer<typeof policyMessageSchema>;
