import {
  CLOSE_CODES,
  type CloseCodeName,
  closeReason,
  createStaticCarry,
  decodeAgentMessage,
  type RawFrame,
} from '@vigie/shared';
import type { HubDeps } from '../config/deps.js';
import { isMisbehaviourClose, reportAgentMisbehaviour } from '../identity/agent-misbehaving.js';
import type { LiveSessions } from './live-sessions.js';
import { createDispatch, type IngestObserver } from './session-dispatch.js';
import {
  createFlowControl,
  SESSION_LIMIT_DEFAULTS,
  type SessionLimits,
  type SessionSocket,
} from './session-flow.js';
import { createHandshake, type HandshakeOptions } from './session-handshake.js';

export { SESSION_LIMIT_DEFAULTS, type SessionLimits, type SessionSocket } from './session-flow.js';

export interface SessionOptions extends HandshakeOptions {
  /** Messages waiting for their commit before the socket stops being read. */
  readonly maxInFlight: number;
  readonly limits?: SessionLimits;
  /** Told of each committed message (/metrics). */
  readonly observer?: IngestObserver;
}

/**
 * One agent connection, from hello to close: nothing but `hello` is served before the agent is
 * authenticated (session-handshake), then data messages are committed in arrival order and
 * acknowledged after commit (session-dispatch), every frame charged to the agent's rate and the
 * socket paused while work waits (session-flow).
 */
export function createAgentSession(
  deps: HubDeps,
  sessions: LiveSessions,
  socket: SessionSocket,
  options: SessionOptions,
) {
  let closed = false;
  // Why the hub closed this socket, if it did.
  let closedAs: CloseCodeName | undefined;
  const log = deps.log.child({ remote: options.remoteAddress });
  const isClosed = () => closed;
  // The static fields this agent last sent on this socket, put back into its lean samples (0031).
  const carry = createStaticCarry();

  function fail(code: CloseCodeName, detail: string): void {
    if (closed) return;
    closedAs = code;
    // Routine closes are info; a close caused by what the agent sent is worth a warning.
    const level = code === 'SERVICE_RESTART' || code === 'SUPERSEDED' ? 'info' : 'warn';
    log[level]({ close: code, agentId: handshake.sender?.agentId, detail }, 'closing agent connection');
    socket.close(CLOSE_CODES[code].code, closeReason(`${CLOSE_CODES[code].reason}: ${detail}`));
    flow.closing();
    closed = true;
    handshake.stop();
    const sender = handshake.sender;
    // An authenticated agent closed for what it sent leaves a trace (audit, then one ticket per host).
    if (sender && isMisbehaviourClose(code)) {
      const close = {
        agentId: sender.agentId,
        hostId: sender.hostId,
        code,
        remoteAddress: options.remoteAddress,
      };
      flow
        .after(() => reportAgentMisbehaviour(deps, close))
        .catch((error: unknown) =>
          log.error({ err: error, agentId: sender.agentId }, 'could not audit agent close'),
        );
    }
  }

  const flow = createFlowControl(socket, {
    limits: options.limits ?? SESSION_LIMIT_DEFAULTS,
    maxInFlight: options.maxInFlight,
    clock: deps.clock,
    log,
    isClosed,
    close: fail,
    agentId: () => handshake.sender?.agentId,
    onJobFailed: (error) => {
      // Not acknowledged, so the agent keeps the message and sends it again after reconnecting.
      log.error({ err: error, agentId: handshake.sender?.agentId }, 'could not store agent message');
      sessions.storage.failed(error);
      fail('STORAGE_UNAVAILABLE', 'store failed');
    },
  });
  const io = { flow, log, isClosed, close: fail };
  const handshake = createHandshake(deps, sessions, options, io);
  const dispatch = createDispatch(deps, sessions, {
    ...io,
    sender: () => handshake.sender,
    observer: options.observer,
  });

  function heard(): void {
    const hostId = handshake.sender?.hostId;
    if (hostId !== undefined) sessions.heard.note(hostId);
  }

  return {
    /** Handle one inbound frame. */
    receive(frame: RawFrame): void {
      if (closed) return;
      heard();
      const delayMs = flow.admit(frame);
      if (delayMs === undefined) return;
      const decoded = decodeAgentMessage(frame, carry);
      if (!decoded.ok) fail(decoded.error.code, decoded.error.detail);
      else if (decoded.value.type === 'hello') handshake.hello(decoded.value, delayMs);
      else if (handshake.passes(decoded.value))
        dispatch.receive(decoded.value, delayMs, decoded.refusedSamples);
    },

    /** A frame or a pong arrived: an authenticated host was heard now (silence counts from it). */
    heard,

    /** The peer left a heartbeat unanswered: 'dead' if the caller should terminate it (session-flow). */
    missedHeartbeat(): 'dead' | 'handled' {
      return flow.missedHeartbeat();
    },

    /** The socket closed (either side). */
    closed(code: number): void {
      closed = true;
      handshake.stop();
      handshake.agent?.disconnected(code, closedAs);
    },

    /** Settles when every message received so far is handled (used on shutdown and in tests). */
    drained(): Promise<void> {
      return flow.drained();
    },
  };
}
export type AgentSession = ReturnType<typeof createAgentSession>;
