import { upgradeWebSocket } from '@hono/node-server';
import type { AgentUpdate, Policy } from '@vigie/shared';
import { CLOSE_CODES, LIMITS } from '@vigie/shared';
import { Hono } from 'hono';
import { type WebSocket, WebSocketServer } from 'ws';
import type { HubDeps } from '../config/deps.js';
import { ROTATION_DEFAULTS, type RotationSettings } from '../identity/rotation.js';
import { createAgentRates } from './agent-rate-limit.js';
import { type AgentSession, createAgentSession } from './agent-session.js';
import type { LiveSessions } from './live-sessions.js';
import { SESSION_LIMIT_DEFAULTS, type SessionLimits } from './session-flow.js';

const CLOSE_GRACE_MS = 2000;
/** How often live sessions are checked for a secret due for rotation (they may live for weeks). */
const ROTATION_SWEEP_MS = 3_600_000;

/** Unauthenticated sockets (awaiting or checking hello) allowed at once, per address and overall. */
export interface HandshakeLimits {
  readonly perAddress: number;
  readonly total: number;
}
/** Hourly, or the rotation period when shorter; with a period of 0 requests are still honoured hourly. */
function rotationSweepMs(rotation: RotationSettings): number {
  return rotation.everyMs > 0
    ? Math.min(ROTATION_SWEEP_MS, Math.max(1000, rotation.everyMs))
    : ROTATION_SWEEP_MS;
}

export const HANDSHAKE_LIMIT_DEFAULTS: HandshakeLimits = { perAddress: 16, total: 512 };

export interface AgentSocketOptions {
  readonly helloTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly policyFor: (hostId: string) => Policy | Promise<Policy>;
  /** The signed agent version announced in every welcome (0017). */
  readonly agentUpdate?: () => Promise<AgentUpdate | undefined>;
  readonly limits?: SessionLimits;
  readonly handshakes?: HandshakeLimits;
  readonly rotation?: RotationSettings;
}

/**
 * The agents' WebSocket endpoint: a `ws` server (frames over the limit close with 1009 before
 * they are buffered) behind Hono's upgrade helper, and a heartbeat that terminates sockets that
 * stopped answering pings, so a dead agent is noticed without waiting for TCP.
 */
export function createAgentSocket(deps: HubDeps, sessions: LiveSessions, options: AgentSocketOptions) {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: LIMITS.maxFrameBytes,
    perMessageDeflate: false,
  });
  const alive = new WeakMap<WebSocket, boolean>();
  const open = new Set<AgentSession>();
  const handshakeLimits = options.handshakes ?? HANDSHAKE_LIMIT_DEFAULTS;
  const rotation = options.rotation ?? ROTATION_DEFAULTS;
  // Per agent, not per socket: reconnecting gives neither a fresh burst nor a clean record.
  const rates = createAgentRates(options.limits ?? SESSION_LIMIT_DEFAULTS, deps.clock);
  // Handshakes in progress by remote address: a peer opening sockets without saying hello must
  // not pin the hub's memory and database until the hello deadline of each.
  const handshaking = new Map<string, number>();
  let handshakingTotal = 0;
  const rotationSweep = setInterval(() => {
    for (const live of sessions.all()) void live.rotate();
  }, rotationSweepMs(rotation));
  rotationSweep.unref();

  // The session of each socket, for the heartbeat to ask whether a silent one is paused by us.
  const sessionOf = new WeakMap<WebSocket, AgentSession>();
  const heartbeat = setInterval(() => {
    for (const socket of wss.clients) {
      if (alive.get(socket) === false) {
        if (sessionOf.get(socket)?.missedHeartbeat() !== 'handled') socket.terminate();
        continue;
      }
      alive.set(socket, false);
      socket.ping();
    }
  }, options.heartbeatIntervalMs);
  heartbeat.unref();

  const routes = new Hono();
  routes.get(
    '/',
    upgradeWebSocket((c) => {
      let session: AgentSession | undefined;
      const remoteAddress = c.env?.incoming?.socket?.remoteAddress ?? 'unknown';
      return {
        onOpen(_event, ws) {
          const raw = ws.raw as WebSocket;
          const mine = handshaking.get(remoteAddress) ?? 0;
          if (mine >= handshakeLimits.perAddress || handshakingTotal >= handshakeLimits.total) {
            deps.log.warn({ remote: remoteAddress, mine, total: handshakingTotal }, 'too many handshakes');
            raw.close(CLOSE_CODES.TOO_MANY_HANDSHAKES.code, CLOSE_CODES.TOO_MANY_HANDSHAKES.reason);
            return;
          }
          handshaking.set(remoteAddress, mine + 1);
          handshakingTotal += 1;
          alive.set(raw, true);
          raw.on('pong', () => {
            alive.set(raw, true);
            session?.heard();
          });
          session = createAgentSession(deps, sessions, raw, {
            helloTimeoutMs: options.helloTimeoutMs,
            maxInFlight: 64,
            policyFor: options.policyFor,
            ...(options.agentUpdate && { agentUpdate: options.agentUpdate }),
            remoteAddress,
            ...(options.limits && { limits: options.limits }),
            rates,
            rotation,
            onHandshakeDone: () => {
              handshakingTotal -= 1;
              const left = (handshaking.get(remoteAddress) ?? 1) - 1;
              if (left <= 0) handshaking.delete(remoteAddress);
              else handshaking.set(remoteAddress, left);
            },
          });
          sessionOf.set(raw, session);
          open.add(session);
        },
        onMessage(event) {
          session?.receive(event.data as string | ArrayBuffer);
        },
        onClose(event) {
          if (!session) return;
          session.closed(event.code);
          const closing = session;
          void closing.drained().finally(() => open.delete(closing));
        },
      };
    }),
  );

  return {
    wss,
    routes,
    /** Stop the heartbeat, tell every agent the hub is restarting, wait for stores in flight. */
    async close(): Promise<void> {
      clearInterval(heartbeat);
      clearInterval(rotationSweep);
      for (const live of sessions.all()) live.kick('SERVICE_RESTART');
      await Promise.allSettled([...open].map((session) => session.drained()));
      // Agents normally answer the close frame at once; one that does not must not hold the exit.
      const deadline = Date.now() + CLOSE_GRACE_MS;
      while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const socket of wss.clients) socket.terminate();
      wss.close();
    },
  };
}
export type AgentSocket = ReturnType<typeof createAgentSocket>;
