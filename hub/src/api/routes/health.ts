import { Hono } from 'hono';
import { sql } from 'kysely';
import type { HubDeps } from '../../config/deps.js';
import type { LiveSessions } from '../../ingest/live-sessions.js';
import { HUB_VERSION } from '../../version.js';

/** /healthz: 200 when the database answers, 503 (degraded) when it does not. */
export function healthRoutes(deps: HubDeps, sessions: LiveSessions) {
  const app = new Hono();
  app.get('/', async (c) => {
    let database: 'ok' | 'unavailable' = 'ok';
    try {
      await sql`select 1`.execute(deps.db);
    } catch (error) {
      deps.log.error({ err: error }, 'health check: database unavailable');
      database = 'unavailable';
    }
    const status = database === 'ok' ? 'ok' : 'degraded';
    return c.json(
      { status, version: HUB_VERSION, database, agentsConnected: sessions.size },
      status === 'ok' ? 200 : 503,
    );
  });
  return app;
}
