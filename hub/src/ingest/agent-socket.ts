import { upgradeWebSocket } from '@hono/node-server';
import type { AgentUpdate, Policy } from '@vigie/shared';
import { CLOSE_CODES, LIMITS, type RawFrame } from '@vigie/shared';
import { Hono } from 'hono';
import { type WebSocket, WebSocketServer } from 'ws';
import type { HubDeps } from '../config/deps.js';
import { ROTATION_DEFAULTS, type RotationSettings } from '../identity/rotation.js';
import { createAgentRates } from './agent-rate-limit.js';
import { type AgentSession, createAgentSession } from './agent-session.js';
import type { HandshakeTicket } from './handshake-admission.js';
import {
  createHandshakeAdmission,
  createHelloBacklog,
  createHelloGate,
  HANDSHAKE_LIMIT_DEFAULTS,
  type HandshakeLimits,
  HELLOS_AT_ONCE,
} from './handshake-admission.js';
import { offerHelloNonces } from './hello-nonce.js';
import { Keepalive } from './keepalive.js';
import type { LiveSessions } from './live-sessions.js';
import type { IngestObserver } from './session-dispatch.js';
import { SESSION_LIMIT_DEFAULTS, type SessionLimits } from './session-flow.js';

export { HANDSHAKE_LIMIT_DEFAULTS, type HandshakeLimits } from './handshake-admission.js';

const CLOSE_GRACE_MS = 2000;
/** How long a refused or shed socket has to read its close frame. */
const SHED_GRACE_MS = 1000;
/** How often live sessions are checked for a secret due for rotation (they may live for weeks). */
const ROTATION_SWEEP_MS = 3_600_000;

/** Hourly, or the rotation period when shorter; with a period of 0 requests are still honoured hourly. */
function rotationSweepMs(rotation: RotationSettings): number {
  return rotation.everyMs > 0
    ? Math.min(ROTATION_SWEEP_MS, Math.max(1000, rotation.everyMs))
    : ROTATION_SWEEP_MS;
}

const ADAPTER_EVENTS = ['message', 'close', 'error'] as const;

/**
 * After Hono's adapter registered its listeners on `raw` (synchronously after onOpen), remove them
 * and let ws call the connection directly; the listeners `raw` had before (ws' own client tracking)
 * stay. A text frame then reaches the session as ws' Buffer (decoded as UTF-8 like the string the
 * adapter made of it; ws has already refused invalid UTF-8 with 1007).
 */
function detachFromAdapter(raw: WebSocket) {
  const before = new Map(ADAPTER_EVENTS.map((name) => [name, new Set(raw.listeners(name))]));
  process.nextTick(() => {
    for (const name of ADAPTER_EVENTS)
      for (const listener of raw.listeners(name))
        if (!before.get(name)?.has(listener)) raw.off(name, listener as (...args: unknown[]) => void);
    // The listeners before included the adapter's own first one: not kept past this tick.
    before.clear();
    listen(raw);
  });
}

/**
 * Our listeners: functions shared by every socket, called by ws with the socket as `this`, which
 * find its connection in `connectionOf` (nothing made per socket; 0034, amendment of 8 December).
 */
function listen(raw: WebSocket): void {
  raw.on('message', onMessage);
  raw.on('close', onClose);
  // ws closes the socket after an error and emits 'close': nothing more to do, but an 'error'
  // without a listener would end the process.
  raw.on('error', ignoreError);
}

/** The connection of each agent socket admitted in this process, whichever endpoint admitted it. */
const connectionOf = new WeakMap<WebSocket, Connection>();

function onMessage(this: WebSocket, data: unknown): void {
  connectionOf.get(this)?.message(data as RawFrame);
}

function onClose(this: WebSocket, code: number): void {
  connectionOf.get(this)?.close(code);
}

function onPong(this: WebSocket): void {
  connectionOf.get(this)?.pong();
}

/** The agent's own heartbeat (ws answers it): a frame like any other, so proof of life. */
function onPing(this: WebSocket): void {
  connectionOf.get(this)?.pinged();
}

function ignoreError(): void {}

/**
 * One admitted agent socket: its session, its handshake ticket until the handshake is over, and
 * where it stands in the heartbeat (Keepalive). A class: a socket keeps it for its life.
 */
class Connection extends Keepalive {
  constructor(
    readonly session: AgentSession,
    private ticket: HandshakeTicket | undefined,
    private readonly open: Set<AgentSession>,
  ) {
    super();
  }

  message(frame: RawFrame): void {
    this.sentFrame();
    this.ticket?.helloStarted();
    this.session.receive(frame);
  }

  pong(): void {
    this.answered();
    this.session.heard();
  }

  pinged(): void {
    this.sentFrame();
    this.session.heard();
  }

  /** The handshake is over (ready or closed): its slot is free, the ticket is not kept. */
  handshakeDone(): void {
    const ticket = this.ticket;
    this.ticket = undefined;
    ticket?.release();
  }

  close(code: number): void {
    const session = this.session;
    session.closed(code);
    const open = this.open;
    void session.drained().finally(() => open.delete(session));
  }
}

/** A refused socket: what it sends and its close are ignored. */
const REFUSED: Pick<Connection, 'message' | 'close'> = Object.freeze({ message: () => {}, close: () => {} });

/** 4033, then dropped: a peer that never said hello will not answer the close either. */
function refuse(raw: WebSocket): void {
  raw.close(CLOSE_CODES.TOO_MANY_HANDSHAKES.code, CLOSE_CODES.TOO_MANY_HANDSHAKES.reason);
  setTimeout(() => raw.terminate(), SHED_GRACE_MS).unref();
}

export interface AgentSocketOptions {
  readonly helloTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly policyFor: (hostId: string) => Policy | Promise<Policy>;
  /** The signed agent version announced in every welcome (0017). */
  readonly agentUpdate?: () => Promise<AgentUpdate | undefined>;
  readonly limits?: SessionLimits;
  readonly handshakes?: HandshakeLimits;
  readonly rotation?: RotationSettings;
  /** Hellos without a nonce proof are accepted until this instant (0025; default: always). */
  readonly legacyHelloUntil?: number;
  /** Told of each committed message (/metrics). */
  readonly observer?: IngestObserver;
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
  const nonces = offerHelloNonces(wss, deps.random);
  const open = new Set<AgentSession>();
  const rotation = options.rotation ?? ROTATION_DEFAULTS;
  // Per agent, not per socket: reconnecting gives neither a fresh burst nor a clean record.
  const rates = createAgentRates(options.limits ?? SESSION_LIMIT_DEFAULTS, deps.clock);
  // Handshakes in progress by client address: a peer opening sockets without saying hello must
  // not pin the hub's memory and database until the hello deadline of each, nor lock agents out.
  const admission = createHandshakeAdmission(
    options.handshakes ?? HANDSHAKE_LIMIT_DEFAULTS,
    createHelloBacklog(deps.clock),
  );
  // Hellos are checked a few at a time, in order: a hub slower than the fleet still lets some in.
  const helloGate = createHelloGate(HELLOS_AT_ONCE);
  const rotationSweep = setInterval(() => {
    for (const live of sessions.all()) void live.rotate();
  }, rotationSweepMs(rotation));
  rotationSweep.unref();

  const heartbeat = setInterval(() => {
    for (const socket of wss.clients) {
      const connection = connectionOf.get(socket);
      // A refused socket (never admitted): its own timer terminates it (SHED_GRACE_MS).
      if (!connection) continue;
      const beat = connection.tick();
      if (beat === 'ping') socket.ping();
      else if (beat === 'missed' && connection.session.missedHeartbeat() !== 'handled') socket.terminate();
    }
  }, options.heartbeatIntervalMs);
  heartbeat.unref();

  const routes = new Hono();
  routes.get(
    '/',
    upgradeWebSocket((c) => {
      const incoming = c.env?.incoming;
      const remoteAddress = deps.clientAddress(incoming);
      let connection: Pick<Connection, 'message' | 'close'> | undefined;
      return {
        onOpen(_event, ws) {
          connection = openConnection(ws.raw as WebSocket, nonces.take(incoming), remoteAddress);
        },
        // Only until the connection is detached from the adapter (the same tick): then ws calls it.
        onMessage(event) {
          connection?.message(event.data as RawFrame);
        },
        onClose(event) {
          connection?.close(event.code);
        },
      };
    }),
  );

  /**
   * One agent socket, admitted or refused, and its session. Once Hono's adapter has set the socket
   * up (the same tick), its listeners are replaced by ours: they held the upgrade request's Hono
   * context, Request, headers and URLs for the socket's whole life (~2 KiB per agent, found in a
   * heap snapshot of 1 000 agents), and built a MessageEvent and a string copy of every frame.
   */
  function openConnection(
    raw: WebSocket,
    nonce: string | undefined,
    remoteAddress: string,
  ): Pick<Connection, 'message' | 'close'> {
    const admitted = admission.admit(remoteAddress, () => {
      deps.log.warn({ remote: remoteAddress }, 'handshake cap reached: oldest silent socket shed');
      refuse(raw);
    });
    if (!admitted.ok) {
      deps.log.warn(
        { remote: remoteAddress, mine: admitted.mine, total: admitted.total },
        'too many handshakes',
      );
      refuse(raw);
      return REFUSED;
    }
    const session = createAgentSession(deps, sessions, raw, {
      helloTimeoutMs: options.helloTimeoutMs,
      maxInFlight: 64,
      policyFor: options.policyFor,
      ...(options.agentUpdate && { agentUpdate: options.agentUpdate }),
      remoteAddress,
      ...(nonce !== undefined && { nonce }),
      ...(options.legacyHelloUntil !== undefined && { legacyHelloUntil: options.legacyHelloUntil }),
      ...(options.limits && { limits: options.limits }),
      ...(options.observer && { observer: options.observer }),
      rates,
      rotation,
      // The one function made per socket: the handshake's end frees its admission slot.
      onHandshakeDone: () => connection.handshakeDone(),
      helloGate,
    });
    const connection = new Connection(session, admitted.ticket, open);
    connectionOf.set(raw, connection);
    open.add(session);
    raw.on('pong', onPong);
    raw.on('ping', onPing);
    detachFromAdapter(raw);
    return connection;
  }

  return {
    wss,
    routes,
    /** When the hub last could not keep up with agents' hellos (0023). */
    behindAt: admission.behindAt,
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
