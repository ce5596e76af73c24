import { Hono } from 'hono';
import { sql } from 'kysely';
import type { HubDeps } from '../../config/deps.js';
import type { LiveSessions } from '../../ingest/live-sessions.js';
import { HUB_VERSION } from '../../version.js';

/**
 * /healthz: 200 when the database answers and commits work, 503 (degraded) with the reason when
 * it does not answer or the last commit failed (disk full, I/O error, read-only, busy) and a
 * probe commit still fails.
 */
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
    const storage = await sessions.storage.probe(deps);
    const ok = database === 'ok' && storage.state === 'ok';
    return c.json(
      {
        status: ok ? 'ok' : 'degraded',
        version: HUB_VERSION,
        database,
        storage: storage.state === 'ok' ? 'ok' : 'failing',
        ...(storage.state === 'degraded' && {
          reason: `commits failing: ${storage.reason}`,
          degradedSince: storage.since,
        }),
        agentsConnected: sessions.size,
      },
      ok ? 200 : 503,
    );
  });
  return app;
}
