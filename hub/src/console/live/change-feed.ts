import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../db/database.js';
import { incidentsVersion } from '../../incidents/queue-store.js';

export interface ChangeFeed {
  /** The incidents' version now: what a new subscriber starts from. */
  current(): Promise<number>;
  /**
   * Call `listener` with the new version whenever it differs from the last one this listener saw
   * (starting at `since`, read before the subscriber told its page it is live: nothing is missed
   * in between). Returns the unsubscribe.
   */
  subscribe(since: number, listener: (version: number) => void): () => void;
}

/**
 * One poll of the database for every open console, and only while one is open. Polling (rather
 * than a hook in the incident engine) sees every change whoever made it — this hub's engine,
 * a technician, another hub instance on the same PostgreSQL — at the cost of one indexed
 * `max(updated_at)` per interval (docs/decisions/0013-server-rendered-console.md).
 */
export function createChangeFeed(db: Kysely<Database>, intervalMs: number, log: Logger): ChangeFeed {
  const listeners = new Map<(version: number) => void, { seen: number }>();
  let timer: NodeJS.Timeout | undefined;
  let polling = false;

  async function poll() {
    if (polling) return;
    polling = true;
    try {
      const version = await incidentsVersion(db);
      for (const [listener, state] of listeners) {
        if (version === state.seen) continue;
        state.seen = version;
        listener(version);
      }
    } catch (error) {
      log.warn({ err: error }, 'console live feed: poll failed');
    } finally {
      polling = false;
    }
  }

  return {
    current: () => incidentsVersion(db),
    subscribe(since, listener) {
      listeners.set(listener, { seen: since });
      if (!timer) {
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
