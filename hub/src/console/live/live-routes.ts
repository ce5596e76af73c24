import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ConsoleEnv } from '../env.js';
import type { ChangeFeed } from './change-feed.js';

/** Keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

/** GET /console/live: server-sent `change` events; the page's script refetches what it shows. */
export function liveRoutes(feed: ChangeFeed) {
  const app = new Hono<ConsoleEnv>();
  app.get('/', (c) =>
    streamSSE(c, async (stream) => {
      let wake: (() => void) | undefined;
      const pending: number[] = [];
      const since = await feed.current();
      const unsubscribe = feed.subscribe(since, (version) => {
        pending.push(version);
        wake?.();
      });
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({ event: 'ready', data: '0', retry: 3000 });
      while (!stream.aborted && !stream.closed) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, KEEPALIVE_MS);
          timer.unref();
        });
        clearTimeout(timer);
        wake = undefined;
        const version = pending.splice(0).pop();
        if (stream.aborted || stream.closed) break;
        if (version === undefined) await stream.write(': keepalive\n\n');
        else await stream.writeSSE({ event: 'change', data: String(version) });
      }
      unsubscribe();
    }),
  );
  return app;
}
