import type { BlockList } from 'node:net';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ArtefactSigner } from '../artefacts/artefact-signer.js';
import { auditRoutes } from '../audit/routes.js';
import { recordSecurityEvent } from '../audit/store.js';
import { SETTING_DEFAULTS } from '../config/defaults.js';
import { createConsole } from '../console/console-app.js';
import { sessionOrBearerAuth } from '../console/security/api-session.js';
import type { HubMetrics } from '../metrics/hub-metrics.js';
import { metricsRoutes } from '../metrics/routes.js';
import type { NotificationsApi } from '../notify/channels/service.js';
import { rateLimitByAddress } from '../security/rate-limit.js';
import type { HubServices } from '../services.js';
import { clientScopeMiddleware } from '../tenancy/scope-middleware.js';
import { ApiError } from './api-error.js';
import type { AuthEnv } from './middleware/bearer-auth.js';
import { describeRoute, markAuthentication } from './openapi/describe.js';
import { openApiRoutes } from './openapi/routes.js';
import { artefactListRoutes, downloadRoutes } from './routes/artefacts.js';
import { calendarRoutes } from './routes/calendars.js';
import { clientRoutes, userClientRoutes } from './routes/clients.js';
import { deviceRoutes } from './routes/devices.js';
import { enrolRoutes } from './routes/enrol.js';
import { enrolmentTokenRoutes } from './routes/enrolment-tokens.js';
import { escalationPolicyRoutes } from './routes/escalation-policies.js';
import { fleetRoutes } from './routes/fleet.js';
import { gapsRoutes } from './routes/gaps.js';
import { healthRoutes } from './routes/health.js';
import { hostsRoutes } from './routes/hosts.js';
import { incidentRoutes } from './routes/incidents.js';
import { installCommandRoutes, installScriptRoutes } from './routes/install-scripts.js';
import { inventoryRoutes } from './routes/inventory.js';
import { inventoryHostRoutes } from './routes/inventory-hosts.js';
import { licenceRoutes } from './routes/licences.js';
import { maintenanceWindowRoutes } from './routes/maintenance-windows.js';
import { notificationChannelRoutes } from './routes/notification-channels.js';
import { oncallRoutes } from './routes/oncall.js';
import { outboxRoutes } from './routes/outbox.js';
import { effectivePolicyRoutes, policyRoutes } from './routes/policies.js';
import { probeRoutes } from './routes/probes.js';
import { kbArticleRoutes, problemRoutes } from './routes/problems.js';
import { siteRoutes } from './routes/sites.js';
import { slaRoutes } from './routes/sla.js';
import { warrantyRoutes } from './routes/warranties.js';

const MAX_BODY_BYTES = 256 * 1024;

/** The agents' socket in the OpenAPI document (its messages are in shared/src/protocol/, not HTTP). */
const AGENT_SOCKET_DOC = describeRoute({
  summary: 'Agents’ WebSocket (upgrade; authenticated by the hello message, not a header)',
  description: 'The protocol is in shared/src/protocol/; close codes in shared/src/protocol/close-codes.ts.',
});

/** The services the app serves (built by services.ts); the API needs only part of notifications. */
export type AppServices = Pick<HubServices, 'deps' | 'sessions' | 'policies' | 'artefacts'> & {
  readonly notifications: NotificationsApi;
};

/** Optional settings of the app. */
export interface AppOptions {
  /** Enrolment attempts per minute per remote address (default 10); over it, 429 RATE_LIMITED. */
  enrolPerMinute?: number;
  /** Signs the artefacts; its public key goes to agents at enrolment. Absent: nothing is signed. */
  signer?: ArtefactSigner;
  /** The URL agents reach the hub at, for install scripts; defaults to each request's origin. */
  publicUrl?: string;
  /** Serve the registry at /metrics to the `allow` addresses, or to an admin's bearer token. */
  metrics?: { registry: HubMetrics; allow: BlockList };
}

/**
 * The hub's HTTP surface. Every error leaves as `{ error: { code, message } }`; the agents'
 * WebSocket route is mounted by the server (it needs the Node adapter), so tests can call
 * `app.request()` without a port.
 */
export function createApp(services: AppServices, agentSocket?: Hono, options: AppOptions = {}) {
  const { deps, sessions, policies, notifications, artefacts } = services;
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof ApiError) {
      return c.json(
        {
          error: {
            code: error.code,
            message: error.message,
            ...(error.details ? { details: error.details } : {}),
          },
        },
        error.status as 400,
      );
    }
    if (error instanceof HTTPException && error.status === 413) {
      return c.json({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' } }, 413);
    }
    deps.log.error({ err: error, path: c.req.path }, 'unhandled API error');
    return c.json({ error: { code: 'INTERNAL', message: 'Internal error' } }, 500);
  });
  app.notFound((c) =>
    c.json({ error: { code: 'NOT_FOUND', message: `No route for ${c.req.method} ${c.req.path}` } }, 404),
  );

  app.route('/healthz', healthRoutes(deps, sessions));
  if (options.metrics)
    app.route('/metrics', metricsRoutes(deps, options.metrics.registry, options.metrics.allow));
  if (agentSocket) {
    app.get('/api/v1/agent/ws', AGENT_SOCKET_DOC);
    app.route('/api/v1/agent/ws', agentSocket);
  }
  // Artefacts and installers are public: they hold no secret, and the machine being installed
  // has nothing to authenticate with yet.
  const install = options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl };
  app.route('/api/v1/agent/artefacts', artefactListRoutes(artefacts, options.signer));
  app.route('/downloads', downloadRoutes(artefacts, options.signer));
  app.route('/', installScriptRoutes(artefacts, install));
  // The web console (server-rendered pages, its own session cookie and CSRF); `/` leads to it.
  app.route('/', createConsole(deps, { ...install, agentSessions: sessions, policies, notifications }));
  app.get('/', (c) => c.redirect('/console', 302));

  const api = new Hono<AuthEnv>();
  api.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError('PAYLOAD_TOO_LARGE');
      },
    }),
  );
  api.use(
    '/enrol',
    rateLimitByAddress(
      options.enrolPerMinute ?? SETTING_DEFAULTS.enrolRateLimit,
      deps.clock,
      deps.clientAddress,
      (address) =>
        recordSecurityEvent(deps, { kind: 'enrolment.throttled', reason: 'ADDRESS_RATE_LIMITED', address }),
    ),
  );
  api.route('/enrol', enrolRoutes(deps, options.signer?.publicKey));
  // The API's description and reference page are public, like the shape of any public API.
  api.route(
    '/',
    openApiRoutes(() => app),
  );
  // Bearer tokens; the console's session cookie also opens reads (CSV exports from the console).
  api.use(markAuthentication(sessionOrBearerAuth(deps)));
  // Every route below sees only the clients of a client-scoped technician (tenancy/).
  api.use(clientScopeMiddleware(deps));
  api.route('/hosts', hostsRoutes(deps, sessions, policies));
  api.route('/fleet', fleetRoutes(deps));
  api.route('/hosts', gapsRoutes(deps));
  api.route('/hosts', inventoryHostRoutes(deps));
  api.route('/hosts', effectivePolicyRoutes(deps, policies));
  api.route('/policies', policyRoutes(deps, policies));
  api.route('/clients', clientRoutes(deps));
  api.route('/sites', siteRoutes(deps));
  api.route('/users', userClientRoutes(deps));
  api.route('/inventory', inventoryRoutes(deps));
  api.route('/licences', licenceRoutes(deps));
  api.route('/warranties', warrantyRoutes(deps));
  api.route('/enrolment-tokens', enrolmentTokenRoutes(deps));
  api.route('/enrolment-tokens', installCommandRoutes(deps, install));
  api.route('/incidents', incidentRoutes(deps));
  api.route('/problems', problemRoutes(deps));
  api.route('/escalation-policies', escalationPolicyRoutes(deps));
  api.route('/calendars', calendarRoutes(deps));
  api.route('/oncall', oncallRoutes(deps));
  api.route('/sla', slaRoutes(deps));
  api.route('/kb-articles', kbArticleRoutes(deps));
  api.route('/maintenance-windows', maintenanceWindowRoutes(deps));
  api.route('/devices', deviceRoutes(deps, sessions));
  api.route('/probes', probeRoutes(deps, sessions));
  api.route('/notification-channels', notificationChannelRoutes(deps, notifications));
  api.route('/outbox', outboxRoutes(deps, notifications));
  api.route('/audit', auditRoutes(deps));
  app.route('/api/v1', api);

  return app;
}
