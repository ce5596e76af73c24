import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../db/database.js';
import { incidentsVersion } from '../queries/queue.js';

export interface ChangeFeed {
  /** Call `listener` with the new version whenever incidents change; returns the unsubscribe. */
  subscribe(listener: (version: number) => void): () => void;
}

/**
 * One poll of the database for every open console, and only while one is open. Polling (rather
 * than a hook in the incident engine) sees every change whoever made it — this hub's engine,
 * a technician, another hub instance on the same PostgreSQL — at the cost of one indexed
 * `max(updated_at)` per interval (docs/decisions/0013-server-rendered-console.md).
 */
export function createChangeFeed(db: Kysely<Database>, intervalMs: number, log: Logger): ChangeFeed {
  const listeners = new Set<(version: number) => void>();
  let timer: NodeJS.Timeout | undefined;
  let last: number | undefined;
  let polling = false;

  async function poll() {
    if (polling) return;
    polling = true;
    try {
      const version = await incidentsVersion(db);
      if (last !== undefined && version !== last) for (const listener of listeners) listener(version);
      last = version;
    } catch (error) {
      log.warn({ err: error }, 'console live feed: poll failed');
    } finally {
      polling = false;
    }
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (!timer) {
        last = undefined;
        void poll();
        timer = setInterval(() => void poll(), intervalMs);
        timer.unref();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
  };
}
