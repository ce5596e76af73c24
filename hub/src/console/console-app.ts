import { DEFAULT_POLICY } from '@vigie/shared';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { auditAdminRoutes } from '../audit/audit-page.js';
import { pruneSecurityEvents } from '../audit/store.js';
import { createLiveSessions } from '../ingest/live-sessions.js';
import { createTargetGuard } from '../notify/target-guard.js';
import { createPolicyService, policyReceivers } from '../policies/policy-service.js';
import { BASE, type ConsoleDeps, type ConsoleEnv, type ConsoleOptions } from './env.js';
import { createChangeFeed } from './live/change-feed.js';
import { liveRoutes } from './live/live-routes.js';
import { enrolmentAdminRoutes } from './pages/admin/enrolment.js';
import { inventoryAdminRoutes } from './pages/admin/inventory.js';
import { licenceAdminRoutes } from './pages/admin/licences.js';
import { policyAdminRoutes } from './pages/admin/policies/routes.js';
import { probeAdminRoutes } from './pages/admin/probes.js';
import { userAdminRoutes } from './pages/admin/users.js';
import { warrantyAdminRoutes } from './pages/admin/warranties.js';
import { hostRoutes } from './pages/hosts.js';
import { incidentRoutes } from './pages/incident.js';
import { preferencesRoutes } from './pages/preferences.js';
import { queueRoutes } from './pages/queue.js';
import { reportRoutes } from './pages/report.js';
import { settingsRoutes } from './pages/settings/routes.js';
import { signInRoutes, signOutRoutes } from './pages/sign-in.js';
import { pruneSignInFailures } from './security/account-lockout.js';
import { allow, checkCsrf, loadContext, requireSignedIn } from './security/guards.js';
import { DEFAULT_SESSION_LIMITS, pruneSessions } from './security/sessions.js';
import { staticRoutes } from './static-routes.js';
import { bidiSafeHtml } from './views/bidi.js';
import { messagePage } from './views/layout.js';

const MAX_FORM_BYTES = 64 * 1024;
const PRUNE_EVERY_MS = 3_600_000;
/** How long the security audit keeps a signal. */
const AUDIT_KEPT_MS = 90 * 86_400_000;

/** Strict CSP: only this hub's own scripts, styles and connections; no inline script, no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders: MiddlewareHandler = async function securityHeaders(c, next) {
  await next();
  c.header('content-security-policy', CONTENT_SECURITY_POLICY);
  c.header('x-content-type-options', 'nosniff');
  c.header('x-frame-options', 'DENY');
  c.header('referrer-policy', 'same-origin');
  if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store');
};

/** Paths any visitor may request: the sign-in form and the static assets. Everything else is guarded. */
export const PUBLIC_CONSOLE_PATHS: readonly string[] = [
  `${BASE}/`,
  `${BASE}/sign-in`,
  `${BASE}/static/:file`,
];

/**
 * The web console, mounted at /console by the hub's app. Order matters and is the whole
 * access policy: context → public routes → sign-in required → CSRF on every form → per-route roles.
 */
export function createConsole(deps: ConsoleDeps, options: ConsoleOptions = {}) {
  const limits = options.sessions ?? DEFAULT_SESSION_LIMITS;
  const feed = createChangeFeed(deps.db, options.livePollMs ?? 1000, deps.log);
  let lastPrune = 0;
  // The hub's app passes the API's own services; a console alone (tests) gets equivalent ones.
  const agents = options.agentSessions;
  const policies =
    options.policies ??
    createPolicyService(deps, DEFAULT_POLICY, () => (agents ? policyReceivers(agents) : []));
  const notifications = options.notifications ?? {
    guard: createTargetGuard(),
    emailConfigured: false,
    wake() {},
  };

  const app = new Hono<ConsoleEnv>().basePath(BASE);
  app.use(securityHeaders);
  app.use(bidiSafeHtml);
  app.use(bodyLimit({ maxSize: MAX_FORM_BYTES, onError: (c) => c.text('Form too large', 413) }));
  app.route('/static', staticRoutes());
  app.use(loadContext(deps, limits));
  app.use(async (_c, next) => {
    const now = deps.clock();
    if (now - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = now;
      await pruneSessions(deps.db, now, limits);
      await pruneSignInFailures(deps.db, now, options.signInLockout);
      await pruneSecurityEvents(deps.db, now - AUDIT_KEPT_MS);
    }
    await next();
  });
  app.route('/', signInRoutes(deps, limits, options.signInPerMinute ?? 10, options.signInLockout));

  app.use(requireSignedIn);
  app.use(checkCsrf);
  app.get('/', allow('n1', 'n2', 'n3', 'readonly'), (c) => {
    const role = c.var.user?.role;
    const level = role === 'n2' ? 'N2' : role === 'n3' ? 'N3' : 'N1';
    return c.redirect(`${BASE}/queue/${level}`, 303);
  });
  app.route('/sign-out', signOutRoutes(deps));
  const everyone = allow('n1', 'n2', 'n3', 'readonly');
  app.use('/queue/*', everyone);
  app.route('/queue', queueRoutes(deps));
  app.use('/incidents/*', everyone);
  app.route('/incidents', incidentRoutes(deps));
  app.use('/hosts', everyone);
  app.use('/hosts/*', everyone);
  app.route('/hosts', hostRoutes(deps));
  app.use('/preferences', everyone);
  app.route('/preferences', preferencesRoutes());
  app.use('/live', everyone);
  app.route('/live', liveRoutes(feed));
  app.use('/admin/*', allow());
  app.route('/admin', inventoryAdminRoutes(deps));
  app.route('/admin', licenceAdminRoutes(deps));
  app.route('/admin', warrantyAdminRoutes(deps));
  app.route('/admin', enrolmentAdminRoutes(deps, options));
  app.route('/admin', userAdminRoutes(deps));
  app.route('/admin/report', reportRoutes(deps));
  app.route('/admin/audit', auditAdminRoutes(deps));
  app.route('/admin/settings', settingsRoutes(deps, notifications));
  app.route('/admin/policies', policyAdminRoutes(deps, policies));
  app.route('/admin/probes', probeAdminRoutes(deps, agents ?? createLiveSessions()));
  app.notFound((c) => {
    const t = c.var.t;
    return t ? c.html(messagePage(c, t('notFoundTitle'), t('notFoundText')), 404) : c.text('Not found', 404);
  });
  // Routing is strict about the trailing slash; people type both.
  const root = new Hono<ConsoleEnv>();
  root.get(`${BASE}/`, (c) => c.redirect(BASE, 301));
  root.route('/', app);
  return root;
}
