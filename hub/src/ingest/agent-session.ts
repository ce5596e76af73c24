import {
  CLOSE_CODES,
  type CloseCodeName,
  closeReason,
  createStaticCarry,
  decodeAgentMessage,
  type RawFrame,
  type StaticCarry,
} from '@vigie/shared';
import type { Logger } from 'pino';
import type { HubDeps } from '../config/deps.js';
import { isMisbehaviourClose, reportAgentMisbehaviour } from '../identity/agent-misbehaving.js';
import type { SenderIdentity } from './commit-in-transaction.js';
import type { LiveSessions } from './live-sessions.js';
import { createDispatch, type Dispatch, type DispatchIo, type IngestObserver } from './session-dispatch.js';
import {
  createFlowControl,
  type FlowControl,
  type FlowControlOptions,
  SESSION_LIMIT_DEFAULTS,
  type SessionLimits,
  type SessionSocket,
} from './session-flow.js';
import {
  createHandshake,
  type Handshake,
  type HandshakeIo,
  type HandshakeOptions,
} from './session-handshake.js';

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
): AgentSession {
  return new AgentSession(deps, sessions, socket, options);
}

/**
 * A class, and the session itself is what its parts are lent (their `io`: flow options, handshake
 * and dispatch io): a connected agent keeps its session for the socket's life, so it holds its
 * state and three parts, not ~25 closures and their contexts (0034, amendment of 8 December).
 */
class AgentSession implements FlowControlOptions, HandshakeIo, DispatchIo {
  private isClosedNow = false;
  // Why the hub closed this socket, if it did.
  private closedAs: CloseCodeName | undefined;
  // The static fields this agent last sent on this socket, put back into its lean samples (0031).
  private readonly carry: StaticCarry = createStaticCarry();
  readonly flow: FlowControl;
  private readonly handshake: Handshake;
  private readonly dispatch: Dispatch;

  constructor(
    private readonly deps: HubDeps,
    private readonly sessions: LiveSessions,
    socket: SessionSocket,
    private readonly options: SessionOptions,
  ) {
    this.flow = createFlowControl(socket, this);
    this.handshake = createHandshake(deps, sessions, options, this);
    this.dispatch = createDispatch(deps, sessions, this);
  }

  // What the parts read of the session (FlowControlOptions, HandshakeIo, DispatchIo).

  get limits(): SessionLimits {
    return this.options.limits ?? SESSION_LIMIT_DEFAULTS;
  }

  get maxInFlight(): number {
    return this.options.maxInFlight;
  }

  get clock(): () => number {
    return this.deps.clock;
  }

  get observer(): IngestObserver | undefined {
    return this.options.observer;
  }

  /**
   * The connection's logger, made when something is logged: a child kept per socket costs ~0.5 KB
   * (its bindings and level methods), and a connection logs a few lines in its life.
   */
  get log(): Logger {
    return this.deps.log.child({ remote: this.options.remoteAddress });
  }

  isClosed(): boolean {
    return this.isClosedNow;
  }

  agentId(): string | undefined {
    return this.handshake.sender?.agentId;
  }

  sender(): SenderIdentity | undefined {
    return this.handshake.sender;
  }

  onJobFailed(error: unknown): void {
    // Not acknowledged, so the agent keeps the message and sends it again after reconnecting.
    this.log.error({ err: error, agentId: this.agentId() }, 'could not store agent message');
    this.sessions.storage.failed(error);
    this.close('STORAGE_UNAVAILABLE', 'store failed');
  }

  /** Close the socket with an application close code (once). */
  close(code: CloseCodeName, detail: string): void {
    if (this.isClosedNow) return;
    this.closedAs = code;
    const log = this.log;
    const sender = this.handshake.sender;
    // Routine closes are info; a close caused by what the agent sent is worth a warning.
    const level = code === 'SERVICE_RESTART' || code === 'SUPERSEDED' ? 'info' : 'warn';
    log[level]({ close: code, agentId: sender?.agentId, detail }, 'closing agent connection');
    this.flow.closeSocket(CLOSE_CODES[code].code, closeReason(`${CLOSE_CODES[code].reason}: ${detail}`));
    this.flow.closing();
    this.isClosedNow = true;
    this.handshake.stop();
    // An authenticated agent closed for what it sent leaves a trace (audit, then one ticket per host).
    if (sender && isMisbehaviourClose(code)) {
      const deps = this.deps;
      const close = {
        agentId: sender.agentId,
        hostId: sender.hostId,
        code,
        remoteAddress: this.options.remoteAddress,
      };
      this.flow
        .after(() => reportAgentMisbehaviour(deps, close))
        .catch((error: unknown) =>
          log.error({ err: error, agentId: sender.agentId }, 'could not audit agent close'),
        );
    }
  }

  /** Handle one inbound frame. */
  receive(frame: RawFrame): void {
    if (this.isClosedNow) return;
    this.heard();
    const delayMs = this.flow.admit(frame);
    if (delayMs === undefined) return;
    const decoded = decodeAgentMessage(frame, this.carry);
    if (!decoded.ok) this.close(decoded.error.code, decoded.error.detail);
    else if (decoded.value.type === 'hello') this.handshake.hello(decoded.value, delayMs);
    else if (this.handshake.passes(decoded.value))
      this.dispatch.receive(decoded.value, delayMs, decoded.refusedSamples);
  }

  /** A frame or a pong arrived: an authenticated host was heard now (silence counts from it). */
  heard(): void {
    const hostId = this.handshake.sender?.hostId;
    if (hostId !== undefined) this.sessions.heard.note(hostId);
  }

  /** The peer left a heartbeat unanswered: 'dead' if the caller should terminate it (session-flow). */
  missedHeartbeat(): 'dead' | 'handled' {
    return this.flow.missedHeartbeat();
  }

  /** The socket closed (either side). */
  closed(code: number): void {
    this.isClosedNow = true;
    this.handshake.stop();
    this.handshake.agent?.disconnected(code, this.closedAs);
  }

  /** Settles when every message received so far is handled (used on shutdown and in tests). */
  drained(): Promise<void> {
    return this.flow.drained();
  }
}

export type { AgentSession };
