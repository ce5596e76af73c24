import { enrolRequestSchema } from '@vigie/shared';
import { Hono } from 'hono';
import { recordSecurityEvent } from '../../audit/store.js';
import type { HubDeps } from '../../config/deps.js';
import { enrolAgent } from '../../enrolment/enrol-agent.js';
import { incomingOf } from '../../security/client-address.js';
import { ApiError } from '../api-error.js';
import { parseJsonBody } from '../validate.js';

/**
 * POST /api/v1/enrol: unauthenticated except by the enrolment token in the body. The answer
 * carries the hub's update-signing public key, which the agent pins (0017). Every refused token
 * gets the same ENROLMENT_REFUSED; the real reason goes to the security audit.
 */
export function enrolRoutes(deps: HubDeps, signingKey?: string) {
  const app = new Hono();
  app.post('/', async (c) => {
    const request = await parseJsonBody(c, enrolRequestSchema);
    const result = await enrolAgent(deps, request);
    if (!result.ok) {
      const address = deps.clientAddress(incomingOf(c.env));
      deps.log.warn({ reason: result.code, hostname: request.hostname, address }, 'enrolment refused');
      await recordSecurityEvent(deps, {
        kind: 'enrolment.refused',
        reason: result.code,
        address,
        subject: result.tokenId,
        details: { hostname: request.hostname.slice(0, 256), fingerprint: request.fingerprint.slice(0, 128) },
      });
      throw new ApiError('ENROLMENT_REFUSED');
    }
    deps.log.info(
      { agentId: result.response.agentId, hostId: result.response.hostId, hostname: request.hostname },
      'agent enrolled',
    );
    return c.json({ ...result.response, ...(signingKey !== undefined && { signingKey }) }, 201);
  });
  return app;
}
