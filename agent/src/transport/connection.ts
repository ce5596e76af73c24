// long-file: one connection state machine (handshake, backoff, liveness) over one closure's shared state
import {
  CLOSE_CODES,
  type CredentialMessage,
  closeCodeName,
  closeReason,
  decodeHubMessagePlainFirst,
  encodeMessage,
  HELLO_NONCE_HEADER,
  type Hello,
  type HubMessage,
  LIMITS,
  type WelcomeMessage,
} from '@vigie/shared';
import WebSocket from 'ws';
import type { Log } from '../logger.js';
import { BACKOFF_DEFAULTS, type BackoffOptions, createBackoff } from './backoff.js';
import { type ConnectionEvent, reportAsEvents } from './connection-events.js';
import { createHelloChooser } from './hello-proof.js';
import { dispatchHubMessage, type InboundHandlers } from './inbound.js';
import { createLiveness } from './liveness.js';
import type { Outbox } from './outbox.js';
import { createSecretRotation } from './secret-rotation.js';
import { createWireEncoder, type WireEncoder } from './wire-encoder.js';

export type { ConnectionEvent } from './connection-events.js';

export type ConnectionState = 'idle' | 'connecting' | 'handshaking' | 'ready' | 'waiting' | 'stopped';

export interface ConnectionOptions {
  /** `ws://` or `wss://` URL of the hub's agent endpoint. */
  readonly url: string;
  /** Builds the hello of each attempt (the outbox supplies the boot id). */
  readonly hello: () => Omit<Hello, 'type' | 'bootId'>;
  readonly outbox: Outbox;
  /** The link's own life: connected, acks, disconnections, refusal, close. */
  readonly onEvent: (event: ConnectionEvent) => void;
  /**
   * Every decoded hub message, once the connection did its own part (handshake, acks, secret
   * rotation). Default: `policy`, `probes` and `hubError` events through `onEvent`.
   */
  readonly handlers?: InboundHandlers;
  readonly log: Log;
  readonly clock: () => number;
  readonly random: () => number;
  readonly heartbeatIntervalMs?: number;
  /** Extra time a pong may take on top of the interval before the socket is declared dead. */
  readonly heartbeatSlackMs?: number;
  readonly welcomeTimeoutMs?: number;
  /** How long a close handshake may take before the socket is terminated. */
  readonly closeGraceMs?: number;
  readonly backoff?: Omit<BackoffOptions, 'random'>;
  /**
   * After a "service restart" close, the first retry waits a uniform random delay in [0, this):
   * a fleet that lost the hub at the same instant comes back spread over the window, not at once.
   * Never longer than the backoff's recent cap: the fleet must be back before silence is judged.
   */
  readonly restartSpreadMs?: number;
  /** Trusted CA certificates (PEM) for a `wss://` hub; replaces Node's bundled list, so callers add it. */
  readonly ca?: string[];
  /**
   * Save a rotated secret durably; true once it is on disk. Only then does the connection confirm
   * it to the hub (which stops accepting the old one) and use it in later hellos.
   */
  readonly saveSecret?: (message: CredentialMessage) => Promise<boolean>;
}

/** One agent↔hub link that reconnects by itself until closed or refused for good. */
export interface Connection {
  start(): void;
  /** New items are in the outbox: send what the window allows, if connected. */
  flush(): void;
  /** Close cleanly and stop reconnecting; resolves once the socket is gone. */
  close(): Promise<void>;
  readonly state: ConnectionState;
}

export const CONNECTION_DEFAULTS = {
  heartbeatIntervalMs: 30_000,
  heartbeatSlackMs: 10_000,
  welcomeTimeoutMs: 15_000,
  closeGraceMs: 3_000,
  restartSpreadMs: 15_000,
} as const;

/** Creates the WebSocket client; nothing happens until `start()`. */
export function createConnection(options: ConnectionOptions): Connection {
  const { outbox, log, clock } = options;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? CONNECTION_DEFAULTS.heartbeatIntervalMs;
  const heartbeatSlackMs = options.heartbeatSlackMs ?? CONNECTION_DEFAULTS.heartbeatSlackMs;
  const welcomeTimeoutMs = options.welcomeTimeoutMs ?? CONNECTION_DEFAULTS.welcomeTimeoutMs;
  const closeGraceMs = options.closeGraceMs ?? CONNECTION_DEFAULTS.closeGraceMs;
  const restartSpreadMs = Math.min(
    options.restartSpreadMs ?? CONNECTION_DEFAULTS.restartSpreadMs,
    options.backoff?.recentCapMs ?? BACKOFF_DEFAULTS.recentCapMs,
  );
  const backoff = createBackoff({ ...options.backoff, random: options.random, clock });
  const handlers = options.handlers ?? reportAsEvents(options.onEvent, log);
  const liveness = createLiveness({ intervalMs: heartbeatIntervalMs, slackMs: heartbeatSlackMs, log });

  let state: ConnectionState = 'idle';
  let socket: WebSocket | undefined;
  let connectedAt: number | undefined;
  let stopping = false;
  const timers = {
    reconnect: undefined as NodeJS.Timeout | undefined,
    pace: undefined as NodeJS.Timeout | undefined,
    welcome: undefined as NodeJS.Timeout | undefined,
    grace: undefined as NodeJS.Timeout | undefined,
  };
  const closeWaiters: Array<() => void> = [];
  const rotation = createSecretRotation(options.saveSecret, log);
  const helloChooser = createHelloChooser(log);
  // Data messages as this socket writes them (set at each welcome: lean samples if the hub carries).
  let encode: WireEncoder = encodeMessage;
  // What this socket's hello announced (the wire encoder may use only what both sides announced).
  let announced: readonly string[] = [];

  /** This socket's hello: proved over the nonce the hub offered in its upgrade response (0025). */
  function buildHello(offeredNonce: string | string[] | undefined): Hello {
    const base = options.hello();
    const hello: Hello = {
      ...base,
      credential: rotation.credential(base.credential),
      type: 'hello',
      bootId: outbox.bootId,
    };
    return helloChooser.choose(hello, offeredNonce);
  }

  async function onCredential(ws: WebSocket, message: CredentialMessage): Promise<void> {
    const saved = await rotation.receive(message);
    if (saved && ws.readyState === WebSocket.OPEN)
      send(ws, encodeMessage({ type: 'credentialSaved', agentId: message.agentId }));
  }

  function clearSocketTimers(): void {
    clearTimeout(timers.welcome);
    liveness.stop();
    clearTimeout(timers.grace);
    clearTimeout(timers.pace);
  }

  function send(ws: WebSocket, payload: string): void {
    // A failed write is followed by 'close', which drives the reconnect; nothing to do here.
    ws.send(payload, (error) => {
      if (error) log.debug('send failed', { error: error.message });
    });
  }

  function pump(): void {
    if (state !== 'ready' || !socket) return;
    for (const message of outbox.takeSendable()) send(socket, encode(message));
    // Paced backlog: come back when the next batch may go (an ack or a new item may come sooner).
    clearTimeout(timers.pace);
    const wakeInMs = outbox.wakeInMs();
    if (wakeInMs !== undefined) timers.pace = setTimeout(pump, wakeInMs);
  }

  /** Close with a code, and terminate if the peer does not finish the close handshake in time. */
  function closeSocket(ws: WebSocket, code: number, reason: string): void {
    if (ws.readyState === WebSocket.CONNECTING) {
      ws.terminate();
      return;
    }
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.close(code, closeReason(reason));
    timers.grace = setTimeout(() => ws.terminate(), closeGraceMs);
  }

  function onWelcome(ws: WebSocket, welcome: WelcomeMessage): void {
    clearTimeout(timers.welcome);
    state = 'ready';
    connectedAt = clock();
    encode = createWireEncoder(welcome, announced);
    if (welcome.ackedSeq > outbox.stats().lastSeq) {
      log.warn('hub acknowledged more than this boot sent', {
        ackedSeq: welcome.ackedSeq,
        lastSeq: outbox.stats().lastSeq,
      });
    }
    outbox.ack(outbox.bootId, welcome.ackedSeq);
    // What piled up while disconnected drains at the paced rate, behind events and live samples.
    outbox.markBacklog();
    options.onEvent({ type: 'connected', welcome });
    dispatchHubMessage(handlers, welcome);
    // The hub stores idempotently by (bootId, seq), so resending what it may already hold is safe.
    // Messages of an earlier boot (read back from the spool) go too: welcome.ackedSeq covers only
    // this boot, so the hub's acks to the resends are how the agent learns what it already has.
    for (const message of outbox.pending()) send(ws, encode(message));
    pump();
  }

  function onHubMessage(ws: WebSocket, message: HubMessage): void {
    if (state === 'handshaking') {
      if (message.type === 'welcome') onWelcome(ws, message);
      else closeSocket(ws, CLOSE_CODES.PROTOCOL_ERROR.code, `expected welcome, got ${message.type}`);
      return;
    }
    if (message.type === 'welcome') {
      closeSocket(ws, CLOSE_CODES.PROTOCOL_ERROR.code, 'welcome received twice');
      return;
    }
    // The connection's own part comes first; everything else belongs to the handlers.
    if (message.type === 'ack') onAck(message.bootId, message.seq);
    if (message.type === 'credential') void onCredential(ws, message);
    dispatchHubMessage(handlers, message);
  }

  function onAck(bootId: string, seq: number): void {
    const forgotten = outbox.ack(bootId, seq);
    options.onEvent({ type: 'ack', seq, forgotten });
    pump();
  }

  function onClose(code: number, reason: string): void {
    clearSocketTimers();
    socket = undefined;
    const upMs = connectedAt === undefined ? 0 : clock() - connectedAt;
    connectedAt = undefined;
    if (stopping) {
      state = 'stopped';
      options.onEvent({ type: 'closed' });
      for (const resolve of closeWaiters.splice(0)) resolve();
      return;
    }
    const name = closeCodeName(code);
    if (name === 'HELLO_KEY_MISSING') helloChooser.keyMissing();
    if (name && CLOSE_CODES[name].reconnect === 'never') {
      state = 'stopped';
      log.error('hub refused this agent; not reconnecting', { code, name, reason });
      options.onEvent({ type: 'fatal', name, code, reason: reason || CLOSE_CODES[name].reason });
      return;
    }
    backoff.noteUptime(upMs);
    const retryInMs =
      name === 'SERVICE_RESTART' ? Math.floor(options.random() * restartSpreadMs) : backoff.next();
    state = 'waiting';
    log.info('disconnected from hub', { code, name, reason, retryInMs });
    options.onEvent({ type: 'disconnected', code, reason, retryInMs });
    timers.reconnect = setTimeout(connect, retryInMs);
  }

  function connect(): void {
    state = 'connecting';
    const ws = new WebSocket(options.url, {
      maxPayload: LIMITS.maxFrameBytes,
      // Compression costs ≈ 7× CPU per message for small JSON frames; not worth it here.
      perMessageDeflate: false,
      handshakeTimeout: welcomeTimeoutMs,
      ...(options.ca !== undefined && { ca: options.ca }),
    });
    socket = ws;
    let offeredNonce: string | string[] | undefined;
    ws.on('upgrade', (response) => {
      offeredNonce = response.headers[HELLO_NONCE_HEADER];
    });
    ws.on('open', () => {
      state = 'handshaking';
      const hello = buildHello(offeredNonce);
      announced = hello.capabilities ?? [];
      send(ws, encodeMessage(hello));
      timers.welcome = setTimeout(() => {
        log.warn('no welcome from hub in time', { afterMs: welcomeTimeoutMs });
        closeSocket(ws, CLOSE_CODES.PROTOCOL_ERROR.code, 'no welcome in time');
      }, welcomeTimeoutMs);
      liveness.start(ws);
    });
    ws.on('pong', () => liveness.alive(ws));
    ws.on('message', (data) => {
      liveness.alive(ws);
      const decoded = decodeHubMessagePlainFirst(data);
      if (decoded.ok) {
        onHubMessage(ws, decoded.value);
        return;
      }
      log.warn('invalid frame from hub', { code: decoded.error.code, detail: decoded.error.detail });
      closeSocket(ws, decoded.error.closeCode, decoded.error.detail);
    });
    // 'error' is always followed by 'close', where the reconnect decision is taken.
    ws.on('error', (error) =>
      log.warn('connection to hub failed', { url: options.url, error: error.message }),
    );
    ws.on('close', (code, reason) => onClose(code, reason.toString()));
  }

  return {
    start() {
      if (state !== 'idle') return;
      connect();
    },
    flush: pump,
    close() {
      stopping = true;
      clearTimeout(timers.reconnect);
      if (!socket) {
        if (state !== 'stopped') options.onEvent({ type: 'closed' });
        state = 'stopped';
        return Promise.resolve();
      }
      const done = new Promise<void>((resolve) => closeWaiters.push(resolve));
      closeSocket(socket, 1000, 'agent stopping');
      return done;
    },
    get state() {
      return state;
    },
  };
}
