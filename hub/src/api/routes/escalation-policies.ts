import { SUPPORT_LEVELS } from '@vigie/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import { isLevelTarget } from '../../incidents/escalation/policy.js';
import { escalationStepsSchema } from '../../incidents/sla/schemas.js';
import {
  deletePolicy,
  findPolicy,
  insertPolicy,
  listPolicies,
  type PolicyInput,
  updatePolicy,
} from '../../repositories/escalation-policies.js';
import { findChannel } from '../../repositories/notification-channels.js';
import { generateId } from '../../security/secrets.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { parseJsonBody } from '../validate.js';

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

/** /api/v1/escalation-policies: anyone reads; admins create, replace and delete. */
export function escalationPolicyRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();

  app.get('/', async (c) => {
    const stock = deps.incidents.sla.escalation;
    return c.json({ policies: await listPolicies(deps.db), stock });
  });

  app.get('/:id', async (c) => {
    const policy = await findPolicy(deps.db, c.req.param('id'));
    if (!policy) throw new ApiError('NOT_FOUND', 'No such escalation policy');
    return c.json(policy);
  });

  app.post('/', requireRole(), async (c) => {
    const id = await saveEscalationPolicy(deps, await parseJsonBody(c, escalationPolicyBody));
    return c.json(await findPolicy(deps.db, id), 201);
  });

  app.put('/:id', requireRole(), async (c) => {
    const id = await saveEscalationPolicy(
      deps,
      await parseJsonBody(c, escalationPolicyBody),
      c.req.param('id'),
    );
    return c.json(await findPolicy(deps.db, id));
  });

  app.delete('/:id', requireRole(), async (c) => {
    if (!(await deletePolicy(deps.db, c.req.param('id'))))
      throw new ApiError('NOT_FOUND', 'No such escalation policy');
    return c.body(null, 204);
  });

  return app;
}

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
