import {
  type AgentMessage,
  type AgentUpdate,
  CHECK_SNAPSHOT_CAPABILITY,
  type CloseCodeName,
  type Hello,
  type Policy,
  PROBES_CAPABILITY,
  PROTOCOL_VERSION,
  REMEDIATION_CAPABILITY,
  SAMPLE_DELTA_CAPABILITY,
  STATIC_ON_CHANGE_CAPABILITY,
} from '@vigie/shared';
import type { Logger } from 'pino';
import { claimAgentSession, releaseAgentSession } from '../cluster/agent-sessions.js';
import type { HubDeps } from '../config/deps.js';
import type { RotationSettings } from '../identity/rotation.js';
import { recoverHeardHost } from '../incidents/jobs/host-heard.js';
import type { AgentRates } from './agent-rate-limit.js';
import { authenticateHello, type HelloBinding } from './authenticate-hello.js';
import type { SenderIdentity } from './commit-in-transaction.js';
import type { HelloGate } from './handshake-admission.js';
import { createLiveAgent, type LiveAgent } from './live-agent.js';
import type { LiveSessions } from './live-sessions.js';
import type { FlowControl } from './session-flow.js';

export interface HandshakeOptions extends HelloBinding {
  readonly helloTimeoutMs: number;
  /** The host's effective policy, for its welcome (read after the session is registered). */
  readonly policyFor: (hostId: string) => Policy | Promise<Policy>;
  /** The signed agent version this hub serves, put in every welcome (0017). */
  readonly agentUpdate?: () => Promise<AgentUpdate | undefined>;
  readonly remoteAddress: string;
  /** Budgets shared by every session of an agent; without it each session has its own. */
  readonly rates?: AgentRates;
  readonly rotation?: RotationSettings;
  /** Called once when the socket stops being an unauthenticated handshake (ready or closed). */
  readonly onHandshakeDone?: () => void;
  /** Turns shared by every socket: hellos are checked a few at a time, in order (0023). */
  readonly helloGate?: HelloGate;
}

/** What the session lends the handshake: its queue and sender, and its close (the session itself). */
export interface HandshakeIo {
  readonly flow: FlowControl;
  readonly log: Logger;
  isClosed(): boolean;
  close(code: CloseCodeName, detail: string): void;
}

/**
 * hello → authenticate → welcome. The first frame must be a hello (else 4003), within
 * `helloTimeoutMs` (else 4006), and only one (else 4005); nothing else is served before it. An
 * authenticated agent gets its own rate budget, a new session epoch, its LiveSession registered
 * (superseding an older socket), then its welcome, its probes and a secret rotation if due.
 */
export function createHandshake(
  deps: HubDeps,
  sessions: LiveSessions,
  options: HandshakeOptions,
  io: HandshakeIo,
): Handshake {
  return new Handshake(deps, sessions, options, io);
}

/** No hello within the deadline (a module function: the timer holds no closure of its own). */
function helloTimedOut(handshake: Handshake): void {
  handshake.timedOut();
}

// A class: the session keeps its handshake for the socket's life (its sender and live agent).
class Handshake {
  private awaitingHello = true;
  private done = false;
  private usedPreviousSecret = false;
  private senderIdentity: SenderIdentity | undefined;
  private liveAgent: LiveAgent | undefined;
  // Cleared at the hello or the close: the timer and its arguments are not kept past them.
  private helloTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: HubDeps,
    private readonly sessions: LiveSessions,
    private readonly options: HandshakeOptions,
    private readonly io: HandshakeIo,
  ) {
    this.helloTimer = setTimeout(helloTimedOut, options.helloTimeoutMs, this);
  }

  /** The hello deadline passed. */
  timedOut(): void {
    this.helloTimer = undefined;
    this.io.close('HELLO_TIMEOUT', `no hello within ${this.options.helloTimeoutMs} ms`);
  }

  private clearHelloTimer(): void {
    if (this.helloTimer === undefined) return;
    clearTimeout(this.helloTimer);
    this.helloTimer = undefined;
  }

  private end(): void {
    if (this.done) return;
    this.done = true;
    this.options.onHandshakeDone?.();
  }

  private async onHello(hello: Hello): Promise<void> {
    this.clearHelloTimer();
    const io = this.io;
    const leave = await this.options.helloGate?.enter();
    let welcomed: boolean;
    try {
      // The agent may have given up while its hello waited for a turn: nothing to check.
      if (io.isClosed()) return;
      welcomed = await this.welcome(hello);
    } finally {
      leave?.();
    }
    const agent = this.liveAgent;
    if (!welcomed || !agent || !this.senderIdentity) return;
    const hostId = this.senderIdentity.hostId;
    const deps = this.deps;
    // Heard again: a silence ticket says so now, not at the next sweep (a failure leaves it to the sweep).
    await recoverHeardHost(deps.db, deps.incidents, hostId, deps.clock()).catch((error: Error) =>
      io.log.warn({ err: error, hostId }, 'could not recover the host silence at hello'),
    );
    if (io.isClosed()) return;
    await agent.sendProbes();
    // Back with the previous secret: the new one never reached its disk, so it gets another.
    await agent.rotateNow(this.usedPreviousSecret);
  }

  /** Authenticate, register and welcome; false when the hello was refused or the socket closed. */
  private async welcome(hello: Hello): Promise<boolean> {
    const { deps, sessions, options, io } = this;
    const { flow } = io;
    // The nonce belongs to this socket and its one hello (a second hello is 4005).
    const outcome = await authenticateHello(deps, hello, options.remoteAddress, {
      ...(options.nonce !== undefined && { nonce: options.nonce }),
      ...(options.legacyHelloUntil !== undefined && { legacyHelloUntil: options.legacyHelloUntil }),
    });
    // The socket may have closed while the database answered.
    if (io.isClosed()) return false;
    if (!outcome.ok) {
      io.close(outcome.close, outcome.detail);
      return false;
    }
    this.usedPreviousSecret = outcome.usedPreviousSecret;
    const agentUpdate = await options.agentUpdate?.().catch((error: Error) => {
      io.log.warn({ err: error }, 'cannot read the agent artefacts to announce');
      return undefined;
    });
    if (io.isClosed()) return false;
    if (!(await flow.chargeAgent(outcome.agent.id, options.rates))) return false;
    const sender: SenderIdentity = { agentId: outcome.agent.id, hostId: outcome.agent.host_id };
    this.senderIdentity = sender;
    const { agentId, hostId } = sender;
    // This instance holds the agent now (a new epoch): its socket on another instance is stale.
    const epoch = await claimAgentSession(deps.db, {
      agentId,
      hostId,
      instanceId: sessions.instanceId,
      now: deps.clock(),
    });
    if (io.isClosed()) {
      await releaseAgentSession(deps.db, { agentId, hostId, epoch, now: deps.clock() });
      return false;
    }
    const agent = createLiveAgent(deps, sessions, io, {
      sender,
      epoch,
      runsProbes: hello.capabilities?.includes(PROBES_CAPABILITY) === true,
      remediates: hello.capabilities?.includes(REMEDIATION_CAPABILITY) === true,
      heldSecretHash: outcome.heldSecretHash,
      ...(options.rotation && { rotation: options.rotation }),
      remoteAddress: options.remoteAddress,
    });
    this.liveAgent = agent;
    // The same credential on a second socket (a reconnect before the old one timed out, or a
    // replayed hello): one session per agent, the newest; never silently (docs/reliability.md).
    if (sessions.get(agentId))
      io.log.warn(
        { agentId, code: 'SUPERSEDED' },
        'agent already connected: the new connection replaces the old',
      );
    sessions.register(agent);
    // Read once registered: a layer saved after this read is pushed to the session, behind the welcome.
    const policy = await options.policyFor(hostId);
    if (io.isClosed()) return false;
    this.end();
    io.log.info(
      {
        agentId,
        hostId,
        bootId: hello.bootId,
        ackedSeq: outcome.ackedSeq,
        legacyHello: outcome.legacy,
      },
      'agent connected',
    );
    flow.send({
      type: 'welcome',
      protocolVersion: PROTOCOL_VERSION,
      hostId,
      serverTime: deps.clock(),
      ackedSeq: outcome.ackedSeq,
      policy,
      ...(agentUpdate && { agentUpdate }),
      capabilities: [
        CHECK_SNAPSHOT_CAPABILITY,
        REMEDIATION_CAPABILITY,
        STATIC_ON_CHANGE_CAPABILITY,
        SAMPLE_DELTA_CAPABILITY,
      ],
    });
    return true;
  }

  /** A hello: the first is queued behind what came before it (`delayMs` late if over the rate). */
  hello(hello: Hello, delayMs: number): void {
    if (!this.awaitingHello) {
      this.io.close('DUPLICATE_HELLO', 'hello after hello');
      return;
    }
    // Set now, not when the queue reaches onHello, so frames pipelined behind the hello queue up.
    this.awaitingHello = false;
    this.io.flow.enqueue(() => this.onHello(hello), delayMs);
  }

  /** Whether a message other than hello may pass to the dispatcher: not before the hello (4003). */
  passes(message: Exclude<AgentMessage, Hello>): boolean {
    if (!this.awaitingHello) return true;
    this.io.close('HELLO_REQUIRED', `got ${message.type}`);
    return false;
  }

  /** Who the socket is, once the hello is checked (identity comes from it and nothing else). */
  get sender(): SenderIdentity | undefined {
    return this.senderIdentity;
  }

  /** The registered agent, once its session epoch is claimed. */
  get agent(): LiveAgent | undefined {
    return this.liveAgent;
  }

  /** The socket is closing: no hello deadline any more, and no handshake in progress. */
  stop(): void {
    this.clearHelloTimer();
    this.end();
  }
}

export type { Handshake };
