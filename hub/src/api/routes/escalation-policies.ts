import { Hono } from 'hono';
import type { HubDeps } from '../../config/deps.js';
import {
  escalationPolicyBody,
  removeEscalationPolicy,
  saveEscalationPolicy,
} from '../../incidents/escalation/service.js';
import { findPolicy, listPolicies } from '../../repositories/escalation-policies.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';
import { parseJsonBody } from '../validate.js';

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  get: describeRoute({ summary: 'Escalation policies' }),
  getOne: describeRoute({ summary: 'One escalation policy' }),
  post: describeRoute({ summary: 'Create an escalation policy', body: escalationPolicyBody, status: 201 }),
  putOne: describeRoute({ summary: 'Replace an escalation policy', body: escalationPolicyBody }),
  deleteOne: describeRoute({ summary: 'Delete an escalation policy', status: 204 }),
};

/** /api/v1/escalation-policies: anyone reads; admins create, replace and delete. */
export function escalationPolicyRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();

  app.get('/', doc.get, async (c) => {
    const stock = deps.incidents.sla.escalation;
    return c.json({ policies: await listPolicies(deps.db), stock });
  });

  app.get('/:id', doc.getOne, async (c) => {
    const policy = await findPolicy(deps.db, c.req.param('id'));
    if (!policy) throw new ApiError('NOT_FOUND', 'No such escalation policy');
    return c.json(policy);
  });

  app.post('/', requireRole(), doc.post, async (c) => {
    const id = await saveEscalationPolicy(deps, await parseJsonBody(c, escalationPolicyBody));
    return c.json(await findPolicy(deps.db, id), 201);
  });

  app.put('/:id', requireRole(), doc.putOne, async (c) => {
    const id = await saveEscalationPolicy(
      deps,
      await parseJsonBody(c, escalationPolicyBody),
      c.req.param('id'),
    );
    return c.json(await findPolicy(deps.db, id));
  });

  app.delete('/:id', requireRole(), doc.deleteOne, async (c) => {
    await removeEscalationPolicy(deps, c.req.param('id'));
    return c.body(null, 204);
  });

  return app;
}
