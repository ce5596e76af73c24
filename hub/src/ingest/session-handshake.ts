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

/** What the session lends the handshake: its queue and sender, and its close. */
export interface HandshakeIo {
  readonly flow: FlowControl;
  readonly log: Logger;
  readonly isClosed: () => boolean;
  readonly close: (code: CloseCodeName, detail: string) => void;
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
) {
  const { flow, log, isClosed, close } = io;
  let awaitingHello = true;
  let done = false;
  let sender: SenderIdentity | undefined;
  let agent: LiveAgent | undefined;
  const helloTimer = setTimeout(
    () => close('HELLO_TIMEOUT', `no hello within ${options.helloTimeoutMs} ms`),
    options.helloTimeoutMs,
  );

  function end(): void {
    if (done) return;
    done = true;
    options.onHandshakeDone?.();
  }

  async function onHello(hello: Hello): Promise<void> {
    clearTimeout(helloTimer);
    const leave = await options.helloGate?.enter();
    let welcomed: boolean;
    try {
      // The agent may have given up while its hello waited for a turn: nothing to check.
      if (isClosed()) return;
      welcomed = await welcome(hello);
    } finally {
      leave?.();
    }
    if (!welcomed || !agent || !sender) return;
    const hostId = sender.hostId;
    // Heard again: a silence ticket says so now, not at the next sweep (a failure leaves it to the sweep).
    await recoverHeardHost(deps.db, deps.incidents, hostId, deps.clock()).catch((error: Error) =>
      log.warn({ err: error, hostId }, 'could not recover the host silence at hello'),
    );
    if (isClosed()) return;
    await agent.sendProbes();
    // Back with the previous secret: the new one never reached its disk, so it gets another.
    await agent.rotateNow(usedPreviousSecret);
  }

  let usedPreviousSecret = false;

  /** Authenticate, register and welcome; false when the hello was refused or the socket closed. */
  async function welcome(hello: Hello): Promise<boolean> {
    // The nonce belongs to this socket and its one hello (a second hello is 4005).
    const outcome = await authenticateHello(deps, hello, options.remoteAddress, {
      ...(options.nonce !== undefined && { nonce: options.nonce }),
      ...(options.legacyHelloUntil !== undefined && { legacyHelloUntil: options.legacyHelloUntil }),
    });
    // The socket may have closed while the database answered.
    if (isClosed()) return false;
    if (!outcome.ok) {
      close(outcome.close, outcome.detail);
      return false;
    }
    usedPreviousSecret = outcome.usedPreviousSecret;
    const agentUpdate = await options.agentUpdate?.().catch((error: Error) => {
      log.warn({ err: error }, 'cannot read the agent artefacts to announce');
      return undefined;
    });
    if (isClosed()) return false;
    if (!(await flow.chargeAgent(outcome.agent.id, options.rates))) return false;
    sender = { agentId: outcome.agent.id, hostId: outcome.agent.host_id };
    const agentId = outcome.agent.id;
    const heldSecretHash = outcome.heldSecretHash;
    const runsProbes = hello.capabilities?.includes(PROBES_CAPABILITY) === true;
    const hostId = sender.hostId;
    // This instance holds the agent now (a new epoch): its socket on another instance is stale.
    const epoch = await claimAgentSession(deps.db, {
      agentId,
      hostId,
      instanceId: sessions.instanceId,
      now: deps.clock(),
    });
    if (isClosed()) {
      await releaseAgentSession(deps.db, { agentId, hostId, epoch, now: deps.clock() });
      return false;
    }
    agent = createLiveAgent(deps, sessions, io, {
      sender,
      epoch,
      runsProbes,
      remediates: hello.capabilities?.includes(REMEDIATION_CAPABILITY) === true,
      heldSecretHash,
      ...(options.rotation && { rotation: options.rotation }),
      remoteAddress: options.remoteAddress,
    });
    // The same credential on a second socket (a reconnect before the old one timed out, or a
    // replayed hello): one session per agent, the newest; never silently (docs/reliability.md).
    if (sessions.get(agentId))
      log.warn(
        { agentId, code: 'SUPERSEDED' },
        'agent already connected: the new connection replaces the old',
      );
    sessions.register(agent.live);
    // Read once registered: a layer saved after this read is pushed to the session, behind the welcome.
    const policy = await options.policyFor(hostId);
    if (isClosed()) return false;
    end();
    log.info(
      {
        agentId,
        hostId: sender.hostId,
        bootId: hello.bootId,
        ackedSeq: outcome.ackedSeq,
        legacyHello: outcome.legacy,
      },
      'agent connected',
    );
    flow.send({
      type: 'welcome',
      protocolVersion: PROTOCOL_VERSION,
      hostId: sender.hostId,
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

  return {
    /** A hello: the first is queued behind what came before it (`delayMs` late if over the rate). */
    hello(hello: Hello, delayMs: number): void {
      if (!awaitingHello) {
        close('DUPLICATE_HELLO', 'hello after hello');
        return;
      }
      // Set now, not when the queue reaches onHello, so frames pipelined behind the hello queue up.
      awaitingHello = false;
      flow.enqueue(() => onHello(hello), delayMs);
    },

    /** Whether a message other than hello may pass to the dispatcher: not before the hello (4003). */
    passes(message: Exclude<AgentMessage, Hello>): boolean {
      if (!awaitingHello) return true;
      close('HELLO_REQUIRED', `got ${message.type}`);
      return false;
    },

    /** Who the socket is, once the hello is checked (identity comes from it and nothing else). */
    get sender(): SenderIdentity | undefined {
      return sender;
    },

    /** The registered agent, once its session epoch is claimed. */
    get agent(): LiveAgent | undefined {
      return agent;
    },

    /** The socket is closing: no hello deadline any more, and no handshake in progress. */
    stop(): void {
      clearTimeout(helloTimer);
      end();
    },
  };
}
export type Handshake = ReturnType<typeof createHandshake>;
