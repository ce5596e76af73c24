import { escalationStepsSchema, SUPPORT_LEVELS } from '@vigie/shared';
import { z } from 'zod';
import { ApiError } from '../../api/api-error.js';
import type { HubDeps } from '../../config/deps.js';
import { findChannel } from '../../notify/channels/store.js';
import {
  deletePolicy,
  insertPolicy,
  type PolicyInput,
  updatePolicy,
} from '../../repositories/escalation-policies.js';
import { generateId } from '../../security/secrets.js';
import { isLevelTarget } from './policy.js';

// Escalation policies: the writes and their rules, for the API and the console alike.

/** A policy as the API (JSON) and the console (form) take it. */
export const escalationPolicyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  level: z.enum(SUPPORT_LEVELS),
  /** Omitted: the level's policy for every client without one of its own. */
  client: z.string().max(256).default(''),
  steps: escalationStepsSchema,
  enabled: z.boolean().default(true),
});

const conflict = () =>
  new ApiError('CONFLICT', 'A policy with this name, or for this level and client, already exists');

/**
 * Create (no id) or replace a policy after checking the channels its steps name (API and
 * console); its id. Throws VALIDATION_FAILED, NOT_FOUND or CONFLICT.
 */
export async function saveEscalationPolicy(
  deps: HubDeps,
  input: z.infer<typeof escalationPolicyBody>,
  id?: string,
): Promise<string> {
  for (const [i, step] of input.steps.entries()) {
    for (const target of step.notify) {
      if (!isLevelTarget(target) && !(await findChannel(deps.db, target))) {
        const path = `steps.${i}.notify`;
        throw new ApiError('VALIDATION_FAILED', `No notification channel ${target}`, [
          { path, message: 'unknown channel' },
        ]);
      }
    }
  }
  const policy = { ...input, id: id ?? generateId('esc', deps.random) } as PolicyInput;
  if (id === undefined) {
    if (!(await insertPolicy(deps.db, policy, deps.clock()))) throw conflict();
    return policy.id;
  }
  const outcome = await updatePolicy(deps.db, policy, deps.clock());
  if (outcome === 'missing') throw new ApiError('NOT_FOUND', 'No such escalation policy');
  if (outcome === 'conflict') throw conflict();
  return policy.id;
}

/** Delete a policy; throws NOT_FOUND when there is none with this id. */
export async function removeEscalationPolicy(deps: HubDeps, id: string): Promise<void> {
  if (!(await deletePolicy(deps.db, id))) throw new ApiError('NOT_FOUND', 'No such escalation policy');
}
