import { enrolRequestSchema } from '@vigie/shared';
import { Hono } from 'hono';
import type { HubDeps } from '../../config/deps.js';
import { enrolAgent } from '../../enrolment/enrol-agent.js';
import { ApiError } from '../api-error.js';
import { parseJsonBody } from '../validate.js';

/**
 * POST /api/v1/enrol: unauthenticated except by the enrolment token in the body. The answer
 * carries the hub's update-signing public key, which the agent pins (0017).
 */
export function enrolRoutes(deps: HubDeps, signingKey?: string) {
  const app = new Hono();
  app.post('/', async (c) => {
    const request = await parseJsonBody(c, enrolRequestSchema);
    const result = await enrolAgent(deps, request);
    if (!result.ok) {
      deps.log.warn({ code: result.code, hostname: request.hostname }, 'enrolment refused');
      throw new ApiError(result.code);
    }
    deps.log.info(
      { agentId: result.response.agentId, hostId: result.response.hostId, hostname: request.hostname },
      'agent enrolled',
    );
    return c.json({ ...result.response, ...(signingKey !== undefined && { signingKey }) }, 201);
  });
  return app;
}
