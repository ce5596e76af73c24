import { enrolRequestSchema, enrolResponseSchema } from '@vigie/shared';
import { Hono } from 'hono';
import { recordSecurityEvent } from '../../audit/store.js';
import type { HubDeps } from '../../config/deps.js';
import { enrolAgent } from '../../enrolment/enrol-agent.js';
import { incomingOf } from '../../security/client-address.js';
import { ApiError } from '../api-error.js';
import { describeRoute } from '../openapi/describe.js';
import { parseJsonBody } from '../validate.js';

/** What an agent sends (the document's example; the tests enrol with it). */
const ENROL_EXAMPLE = {
  token: 'vge_0123456789abcdef0123',
  fingerprint: 'abcdefabcdefabcdefabcdef',
  hostname: 'pc-accueil-03',
  os: {
    platform: 'win32',
    distro: 'Windows 11 Pro',
    release: '10.0.22631',
    kernel: '10.0.22631',
    arch: 'x64',
  },
};

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  post: describeRoute({
    summary: 'Enrol an agent with an enrolment token',
    description:
      'Unauthenticated but for the token in the body; any refused token answers 401 ENROLMENT_REFUSED, past the per-address rate 429 RATE_LIMITED.',
    body: enrolRequestSchema,
    response: enrolResponseSchema,
    example: ENROL_EXAMPLE,
    status: 201,
  }),
};

/**
 * POST /api/v1/enrol: unauthenticated except by the enrolment token in the body. The answer
 * carries the hub's update-signing public key, which the agent pins (0017). Every refused token
 * gets the same ENROLMENT_REFUSED; the real reason goes to the security audit.
 */
export function enrolRoutes(deps: HubDeps, signingKey?: string) {
  const app = new Hono();
  app.post('/', doc.post, async (c) => {
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
