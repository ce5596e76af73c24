import WebSocket from 'ws';
import type { Log } from '../logger.js';

/** The heartbeat of the current socket. */
export interface Liveness {
  /** The socket opened: ping it every interval and expect a sign of life within interval + slack. */
  start(ws: WebSocket): void;
  /** A pong or a frame arrived: the hub is alive. */
  alive(ws: WebSocket): void;
  stop(): void;
}

/**
 * Liveness as in ws' own examples: any pong or frame proves the hub alive; silence for
 * interval + slack means a half-open TCP connection that only terminate() gets rid of.
 */
export function createLiveness(options: { intervalMs: number; slackMs: number; log: Log }): Liveness {
  const { intervalMs, slackMs, log } = options;
  let ping: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;

  function alive(ws: WebSocket): void {
    clearTimeout(deadline);
    deadline = setTimeout(() => {
      log.warn('hub did not answer pings: dropping the connection', { afterMs: intervalMs + slackMs });
      ws.terminate();
    }, intervalMs + slackMs);
  }

  return {
    start(ws) {
      alive(ws);
      // ping() throws once the socket is closing; the close handshake may outlive a tick.
      ping = setInterval(() => {
        if (ws.readyState === WebSocket.OPEN) ws.ping();
      }, intervalMs);
    },
    alive,
    stop() {
      clearInterval(ping);
      clearTimeout(deadline);
    },
  };
}
