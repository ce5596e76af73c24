import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';

/** Deadlines and bounds for every socket the hub accepts, before anyone knows who it is. */
export interface ConnectionLimits {
  /** From accept to the end of the request headers; a socket that sends nothing is closed then too. */
  readonly headersTimeoutMs: number;
  /** From accept to the end of the request. */
  readonly requestTimeoutMs: number;
  /** Sockets open at once (HTTP, upgrading and agents' WebSockets). */
  readonly maxConnections: number;
}

export const CONNECTION_TIMEOUT_DEFAULTS = { headersTimeoutMs: 10_000, requestTimeoutMs: 60_000 } as const;
/** Descriptors kept for the database, logs, artefacts and the TLS files when sizing from `ulimit -n`. */
const RESERVED_DESCRIPTORS = 128;
const FALLBACK_MAX_CONNECTIONS = 4096;
/** How long a refused socket has to read its answer before it is dropped. */
const REFUSAL_GRACE_MS = 1000;

/** `ulimit -n` (soft) less a reserve, read from /proc; a fixed bound where there is no /proc. */
export function defaultMaxConnections(
  readLimits: () => string = () => readFileSync('/proc/self/limits', 'utf8'),
) {
  try {
    const soft = /^Max open files\s+(\d+)/m.exec(readLimits())?.[1];
    if (soft !== undefined) return Math.max(16, Number(soft) - RESERVED_DESCRIPTORS);
  } catch {
    // No /proc (macOS, Windows): the fallback.
  }
  return FALLBACK_MAX_CONNECTIONS;
}

/**
 * Options for `http(s).createServer`: Node's own deadlines, checked often enough to hold them.
 * `headersTimeout` runs from accept, so it is also the deadline of a socket that sends nothing,
 * and `handshakeTimeout` the one of a TLS handshake.
 */
export function serverTimeoutOptions(limits: ConnectionLimits) {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
    connectionsCheckingInterval: Math.max(50, Math.min(1000, limits.headersTimeoutMs / 4)),
    handshakeTimeout: limits.headersTimeoutMs,
  };
}

/**
 * Errors on an upgraded socket are its owner's (ws closes it); not handled, they end the process.
 * Made once here, not in the upgrade handler: a closure there would keep that request (headers and
 * all) alive for the socket's whole life, an agent's for weeks.
 */
const ignoreError = () => {};

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => unknown;

/** The TCP socket under a TLS one (`_parent`), which is the one 'connection' saw. */
function tcpOf(socket: Duplex): Duplex {
  return (socket as Duplex & { _parent?: Duplex })._parent ?? socket;
}

function refuse(socket: Duplex, status: 400 | 426 | 503, reason: string): void {
  if (socket.destroyed) return;
  const drop = setTimeout(() => socket.destroy(), REFUSAL_GRACE_MS);
  drop.unref();
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () =>
    socket.destroy(),
  );
}

/**
 * Every socket gets a deadline and a slot. Sockets are counted from accept to close; over
 * `maxConnections` the oldest one that has not sent a full request yet is dropped (else the
 * newcomer). Every upgrade request is answered: those the agents' endpoint does not take (another
 * protocol, headers Node dropped, another path) get an HTTP error with `Connection: close` and
 * are closed, and one the endpoint has not taken within the headers deadline is closed too — Node
 * stops timing a socket the moment it is handed to an 'upgrade' listener.
 */
export function guardConnections(
  server: Server,
  limits: ConnectionLimits,
  parts: { log: Logger; upgraded: (request: IncomingMessage) => boolean },
) {
  const open = new Set<Duplex>();
  // Accepted and no request seen yet, oldest first: what is shed when the hub is full.
  const waiting = new Set<Duplex>();
  let lastWarning = 0;

  server.on('connection', (socket: Duplex) => {
    open.add(socket);
    waiting.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      waiting.delete(socket);
    });
    if (open.size <= limits.maxConnections) return;
    const victim = waiting.values().next().value ?? socket;
    victim.destroy();
    if (Date.now() - lastWarning > 10_000) {
      lastWarning = Date.now();
      parts.log.warn(
        { open: open.size, max: limits.maxConnections },
        'connection cap reached: dropping idle sockets',
      );
    }
  });
  server.on('request', (request: IncomingMessage) => waiting.delete(tcpOf(request.socket)));

  const inner = server.listeners('upgrade') as UpgradeListener[];
  server.removeAllListeners('upgrade');
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    waiting.delete(tcpOf(socket));
    socket.on('error', ignoreError);
    if (request.headers.upgrade?.toLowerCase() !== 'websocket' || inner.length === 0)
      return refuse(socket, 426, 'Upgrade Required');
    // Node no longer reads nor times this socket: without this a silent peer keeps it for ever.
    const deadline = setTimeout(() => refuse(socket, 503, 'Service Unavailable'), limits.headersTimeoutMs);
    deadline.unref();
    void Promise.allSettled(inner.map((listener) => listener.call(server, request, socket, head))).then(
      () => {
        clearTimeout(deadline);
        if (!parts.upgraded(request) && !socket.destroyed && !socket.writableEnded)
          refuse(socket, 400, 'Bad Request');
      },
    );
  });

  return {
    /** Sockets open right now (for logs and tests). */
    open: () => open.size,
  };
}
