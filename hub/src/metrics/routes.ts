import { type BlockList, isIP } from 'node:net';
import { Hono } from 'hono';
import { type AuthEnv, bearerAuth, requireRole } from '../api/middleware/bearer-auth.js';
import type { HubConfig } from '../config/config.js';
import type { HubDeps } from '../config/deps.js';
import { incomingOf, parseTrustedProxies } from '../security/client-address.js';
import type { HubMetrics } from './hub-metrics.js';

/** Who may scrape without a token when `--metrics-allow` is not set: this machine only. */
export const DEFAULT_METRICS_ALLOW = '127.0.0.0/8, ::1';

/** `--metrics-allow` (addresses or CIDRs, comma-separated; '' allows none: a token is needed). */
export function metricsAllowList(config: Pick<HubConfig, 'metricsAllow'>): BlockList {
  // Validated when the configuration was loaded: a failure here is a programming error.
  const parsed = parseTrustedProxies(config.metricsAllow ?? DEFAULT_METRICS_ALLOW);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.proxies;
}

function allowed(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * `GET /metrics` in the Prometheus text format: open to the `--metrics-allow` addresses (the
 * client address, behind `--trusted-proxies` too), else to a bearer API token of an admin.
 */
export function metricsRoutes(
  deps: Pick<HubDeps, 'db' | 'clock' | 'clientAddress'>,
  metrics: HubMetrics,
  allow: BlockList,
) {
  const app = new Hono<AuthEnv>();
  const bearer = bearerAuth(deps);
  const admin = requireRole('admin');
  app.use(async (c, next) => {
    if (allowed(allow, deps.clientAddress(incomingOf(c.env)))) return next();
    await bearer(c, async () => {
      await admin(c, next);
    });
  });
  app.get('/', async (c) => {
    c.header('content-type', metrics.registry.contentType);
    c.header('cache-control', 'no-store');
    return c.body(await metrics.scrape());
  });
  return app;
}
