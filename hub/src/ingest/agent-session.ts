import {
  type AgentDataMessage,
  type AgentUpdate,
  CLOSE_CODES,
  type CloseCodeName,
  closeReason,
  decodeAgentMessage,
  encodeMessage,
  type Hello,
  type HubMessage,
  type Policy,
  PROBES_CAPABILITY,
  PROTOCOL_VERSION,
  type RawFrame,
} from '@vigie/shared';
import { claimAgentSession, releaseAgentSession } from '../cluster/agent-sessions.js';
import type { HubDeps } from '../config/deps.js';
import { reportDuplicateIdentity } from '../identity/duplicate-identity.js';
import { confirmSecretSaved, type RotationSettings, rotateIfDue } from '../identity/rotation.js';
import { probeAssignment } from '../probes/assignment.js';
import { hashSecret } from '../security/secrets.js';
import { type AgentRates, createAgentRateLimit, type RateLimits } from './agent-rate-limit.js';
import { authenticateHello } from './authenticate-hello.js';
import { commitDataMessage, type SenderIdentity } from './commit-data-message.js';
import type { LiveSession, LiveSessions } from './live-sessions.js';

/** The part of a WebSocket a session uses; `ws` satisfies it, tests may pass a fake. */
export interface SessionSocket {
  send(data: string): void;
  close(code: number, reason: string): void;
  pause(): void;
  resume(): void;
  /** Bytes queued but not yet written to the peer (`ws` has it; fakes may leave it out). */
  readonly bufferedAmount?: number;
}

/**
 * Bounds that protect the hub from one hostile or broken agent: its message and byte rate (frames
 * over it are delayed, `maxViolations` of them in a row close the socket), and its send buffer.
 */
export interface SessionLimits extends RateLimits {
  /** An agent that leaves more than this unread in our send buffer is dropped (slow consumer). */
  readonly maxBufferedBytes: number;
}

export const SESSION_LIMIT_DEFAULTS: SessionLimits = {
  messagesPerSec: 50,
  messageBurst: 200,
  // A backlog drains at 2 batches/s of at most 512 KiB, and inventory chunks come back to back.
  bytesPerSec: 1024 * 1024,
  byteBurst: 8 * 1024 * 1024,
  maxViolations: 10,
  maxBufferedBytes: 4 * 1024 * 1024,
};

/** Bytes of a frame as received (before decoding). */
function frameBytes(frame: RawFrame): number {
  if (typeof frame === 'string') return Buffer.byteLength(frame);
  if (Array.isArray(frame)) return frame.reduce((sum, part) => sum + part.length, 0);
  return frame.byteLength;
}

export interface SessionOptions {
  readonly helloTimeoutMs: number;
  /** Messages waiting for their commit before the socket stops being read. */
  readonly maxInFlight: number;
  /** The host's effective policy, for its welcome (read after the session is registered). */
  readonly policyFor: (hostId: string) => Policy | Promise<Policy>;
  /** The signed agent version this hub serves, put in every welcome (0017). */
  readonly agentUpdate?: () => Promise<AgentUpdate | undefined>;
  readonly remoteAddress: string;
  readonly limits?: SessionLimits;
  /** Budgets shared by every session of an agent; without it each session has its own. */
  readonly rates?: AgentRates;
  readonly rotation?: RotationSettings;
  /** Called once when the socket stops being an unauthenticated handshake (ready or closed). */
  readonly onHandshakeDone?: () => void;
}

type Phase = 'awaiting-hello' | 'authenticating' | 'ready' | 'closed';

/**
 * One agent connection, from hello to close: nothing but `hello` is served before the agent is
 * authenticated, then data messages are committed in arrival order and acknowledged after commit.
 */
export function createAgentSession(
  deps: HubDeps,
  sessions: LiveSessions,
  socket: SessionSocket,
  options: SessionOptions,
) {
  let phase: Phase = 'awaiting-hello';
  let sender: SenderIdentity | undefined;
  let live: LiveSession | undefined;
  let chain: Promise<void> = Promise.resolve();
  let inFlight = 0;
  let heldSecretHash: string | undefined;
  let handshakeDone = false;
  const limits = options.limits ?? SESSION_LIMIT_DEFAULTS;
  // The socket's own budget until the hello names the agent, then the agent's (across reconnects).
  let rate = createAgentRateLimit(limits, deps.clock);
  // Frames over the rate waiting for their turn; while there are any, the socket is not read.
  let delayed = 0;
  let paused = false;
  // Why the hub closed this socket, if it did.
  let closedAs: CloseCodeName | undefined;
  // Sizes of the frames received before the agent's budget applies (charged to it once known).
  const unattributed: number[] = [];
  let attributed = false;
  const log = deps.log.child({ remote: options.remoteAddress });
  const helloTimer = setTimeout(
    () => fail('HELLO_TIMEOUT', `no hello within ${options.helloTimeoutMs} ms`),
    options.helloTimeoutMs,
  );

  const isClosed = () => phase === 'closed';

  function endHandshake(): void {
    if (handshakeDone) return;
    handshakeDone = true;
    options.onHandshakeDone?.();
  }

  function send(message: HubMessage): void {
    if (phase === 'closed') return;
    // An agent that stopped reading would make the hub buffer without bound.
    if ((socket.bufferedAmount ?? 0) > limits.maxBufferedBytes) {
      fail('SLOW_CONSUMER', `${socket.bufferedAmount} bytes unread`);
      return;
    }
    socket.send(encodeMessage(message));
  }

  function fail(code: CloseCodeName, detail: string): void {
    if (phase === 'closed') return;
    closedAs = code;
    // Routine closes are info; a close caused by what the agent sent is worth a warning.
    const level = code === 'SERVICE_RESTART' || code === 'SUPERSEDED' ? 'info' : 'warn';
    log[level]({ close: code, agentId: sender?.agentId, detail }, 'closing agent connection');
    socket.close(CLOSE_CODES[code].code, closeReason(`${CLOSE_CODES[code].reason}: ${detail}`));
    // A paused socket would never read the peer's answer to our close frame: the close handshake
    // would hang until ws' 30 s timeout. What arrives from now on is read and ignored.
    if (paused) {
      paused = false;
      socket.resume();
    }
    phase = 'closed';
    clearTimeout(helloTimer);
    endHandshake();
  }

  /** Send a new secret if one is due (or the agent came back with its previous one). */
  async function rotateNow(force: boolean): Promise<boolean> {
    if (!sender || !heldSecretHash || !options.rotation || isClosed()) return false;
    const message = await rotateIfDue(deps, sender.agentId, heldSecretHash, options.rotation, force);
    if (!message || isClosed()) return false;
    log.info(
      { agentId: sender.agentId, previousValidUntil: message.previousValidUntil },
      'agent secret rotated',
    );
    send(message);
    return true;
  }

  /**
   * Switch to the agent's own budget, and charge it with every frame this socket received before
   * the hello was checked: frames pipelined behind a hello would otherwise get a fresh burst on
   * every reconnect. False if that closed the socket.
   */
  async function chargeAgent(agentId: string): Promise<boolean> {
    const frames = unattributed.splice(0, unattributed.length);
    attributed = true;
    if (!options.rates) return true;
    rate = options.rates.forAgent(agentId);
    let waitMs = 0;
    for (const size of frames) {
      const verdict = rate.charge(size);
      if (verdict.kind === 'close') {
        fail('RATE_LIMITED', verdict.detail);
        return false;
      }
      if (verdict.kind === 'delay') waitMs = Math.max(waitMs, verdict.waitMs);
    }
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    return !isClosed();
  }

  async function onHello(hello: Hello): Promise<void> {
    clearTimeout(helloTimer);
    const outcome = await authenticateHello(deps, hello, options.remoteAddress);
    // The socket may have closed while the database answered.
    if (isClosed()) return;
    if (!outcome.ok) return fail(outcome.close, outcome.detail);
    const agentUpdate = await options.agentUpdate?.().catch((error: Error) => {
      log.warn({ err: error }, 'cannot read the agent artefacts to announce');
      return undefined;
    });
    if (isClosed()) return;
    if (!(await chargeAgent(outcome.agent.id))) return;
    sender = { agentId: outcome.agent.id, hostId: outcome.agent.host_id };
    const agentId = outcome.agent.id;
    heldSecretHash = hashSecret(hello.credential.secret);
    // Only an agent that announced probes gets the `probes` message: older ones would refuse it.
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
      return;
    }
    const sendProbes = async (): Promise<boolean> => {
      if (!runsProbes || isClosed()) return false;
      const assignment = await probeAssignment(deps.db, hostId);
      if (isClosed()) return false;
      send(assignment);
      return true;
    };
    live = {
      agentId,
      hostId,
      epoch,
      refreshProbes: () => {
        const result = chain.then(sendProbes);
        chain = result.then(
          () => {},
          () => {},
        );
        return result.catch(() => false);
      },
      kick: (close) => fail(close, 'by the hub'),
      // Chained, so a policy pushed while the welcome is being prepared goes out after it.
      sendPolicy: (policy) => {
        chain = chain.then(() => send({ type: 'policy', policy })).catch(() => {});
      },
      rotate: () => {
        const result = chain.then(() => rotateNow(false));
        chain = result.then(
          () => {},
          () => {},
        );
        return result.catch(() => false);
      },
    };
    // The same credential on a second socket (a reconnect before the old one timed out, or a
    // replayed hello): one session per agent, the newest; never silently (docs/reliability.md).
    if (sessions.get(agentId))
      log.warn(
        { agentId, code: 'SUPERSEDED' },
        'agent already connected: the new connection replaces the old',
      );
    sessions.register(live);
    // Read once registered: a layer saved after this read is pushed to the session, behind the welcome.
    const policy = await options.policyFor(hostId);
    if (isClosed()) return;
    phase = 'ready';
    endHandshake();
    log.info(
      { agentId, hostId: sender.hostId, bootId: hello.bootId, ackedSeq: outcome.ackedSeq },
      'agent connected',
    );
    send({
      type: 'welcome',
      protocolVersion: PROTOCOL_VERSION,
      hostId: sender.hostId,
      serverTime: deps.clock(),
      ackedSeq: outcome.ackedSeq,
      policy,
      ...(agentUpdate && { agentUpdate }),
    });
    await sendProbes();
    // Back with the previous secret: the new one never reached its disk, so it gets another.
    await rotateNow(outcome.usedPreviousSecret);
  }

  async function onCredentialSaved(claimed: string): Promise<void> {
    if (!sender) return;
    // Identity is the connection's; a message naming another agent is a violation, not a request.
    if (claimed !== sender.agentId) return fail('PROTOCOL_ERROR', 'credentialSaved for another agent');
    if (await confirmSecretSaved(deps.db, sender.agentId, deps.credentials))
      log.info({ agentId: sender.agentId }, 'agent saved its new secret; the previous one is refused now');
  }

  async function onData(message: AgentDataMessage): Promise<void> {
    if (!sender) return;
    const outcome = await commitDataMessage(deps, sender, message);
    sessions.storage.succeeded();
    if (outcome.status === 'stored' && outcome.gapFrom !== undefined) {
      log.warn(
        { agentId: sender.agentId, bootId: message.bootId, from: outcome.gapFrom, to: message.seq - 1 },
        'sequence gap',
      );
    }
    if (outcome.status === 'stored' && outcome.newBoot) {
      log.info({ agentId: sender.agentId, bootId: message.bootId, seq: message.seq }, 'new agent boot');
    }
    send({ type: 'ack', bootId: message.bootId, seq: outcome.committedSeq });
  }

  /** Stop reading the socket while the chain is full or frames over the rate wait, resume after. */
  function updateFlow(): void {
    const shouldPause = inFlight >= options.maxInFlight || delayed > 0;
    if (shouldPause === paused || phase === 'closed') return;
    paused = shouldPause;
    if (paused) socket.pause();
    else socket.resume();
  }

  function enqueue(job: () => Promise<void>, delayMs = 0): void {
    inFlight += 1;
    let work = job;
    if (delayMs > 0) {
      delayed += 1;
      // Due at an absolute time: the wait must not add up with the time spent on earlier frames.
      const dueAt = performance.now() + delayMs;
      work = async () => {
        const left = dueAt - performance.now();
        if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
        delayed -= 1;
        // Closed meanwhile (more violations): the agent resends what was never acknowledged.
        if (!isClosed()) await job();
      };
    }
    updateFlow();
    chain = chain
      .then(work)
      .catch((error: unknown) => {
        // Not acknowledged, so the agent keeps the message and sends it again after reconnecting.
        log.error({ err: error, agentId: sender?.agentId }, 'could not store agent message');
        sessions.storage.failed(error);
        fail('STORAGE_UNAVAILABLE', 'store failed');
      })
      .finally(() => {
        inFlight -= 1;
        updateFlow();
      });
  }

  return {
    /** Handle one inbound frame. */
    receive(frame: RawFrame): void {
      if (phase === 'closed') return;
      // Counted before decoding: garbage costs the sender as much as data does.
      const size = frameBytes(frame);
      if (!attributed) unattributed.push(size);
      const verdict = rate.charge(size);
      if (verdict.kind === 'close') {
        fail('RATE_LIMITED', verdict.detail);
        return;
      }
      const delayMs = verdict.kind === 'delay' ? verdict.waitMs : 0;
      if (verdict.kind === 'delay' && verdict.first) {
        log.warn(
          { code: 'RATE_LIMITED', agentId: sender?.agentId, over: verdict.over, delayMs },
          'agent over its rate: frames delayed',
        );
      }
      const decoded = decodeAgentMessage(frame);
      if (!decoded.ok) {
        fail(decoded.error.code, decoded.error.detail);
      } else if (decoded.value.type === 'hello') {
        const hello = decoded.value;
        if (phase === 'awaiting-hello') {
          // Set now, not when the chain reaches onHello, so frames pipelined behind the hello queue up.
          phase = 'authenticating';
          enqueue(() => onHello(hello), delayMs);
        } else fail('DUPLICATE_HELLO', 'hello after hello');
      } else if (phase === 'awaiting-hello') {
        fail('HELLO_REQUIRED', `got ${decoded.value.type}`);
      } else if (decoded.value.type === 'credentialSaved') {
        const claimed = decoded.value.agentId;
        enqueue(() => onCredentialSaved(claimed), delayMs);
      } else {
        // Frames pipelined behind the hello wait in the chain until authentication is done.
        const message = decoded.value;
        enqueue(() => onData(message), delayMs);
      }
    },

    /**
     * The peer left a heartbeat unanswered. While we do not read the socket its pong is simply
     * unread, so that is no proof of death: over its rate, the agent is closed for that
     * (RATE_LIMITED, as it would be after more delayed frames); held back by our own slow commits,
     * it is not at fault and stays. Answers whether the caller should terminate it as dead.
     */
    missedHeartbeat(): 'dead' | 'handled' {
      if (!paused || phase === 'closed') return 'dead';
      if (delayed > 0) fail('RATE_LIMITED', 'still over its rate when a heartbeat went unanswered');
      return 'handled';
    },

    /** The socket closed (either side). */
    closed(code: number): void {
      const wasReady = sender !== undefined;
      phase = 'closed';
      clearTimeout(helloTimer);
      endHandshake();
      if (!live || !sender) return;
      const current = sessions.unregister(live);
      log.info({ agentId: sender.agentId, code }, 'agent disconnected');
      // Replaced, and the peer answered our 4020: this connection was alive, so two live
      // connections held one credential (a replayed hello, a copied credential, or the agent
      // running twice). A half-open socket left behind by a reconnect never answers (1006).
      if (closedAs === 'SUPERSEDED' && code === CLOSE_CODES.SUPERSEDED.code) {
        const attempt = {
          agentId: sender.agentId,
          hostId: sender.hostId,
          remoteAddress: options.remoteAddress,
          evidence: 'concurrent' as const,
        };
        log.warn({ agentId: sender.agentId, code: 'DUPLICATE_SESSION' }, 'replaced connection was alive');
        chain = chain
          .then(() => reportDuplicateIdentity(deps, attempt))
          .then(() => {})
          .catch((error: unknown) => log.error({ err: error }, 'could not report a duplicate identity'));
      }
      // A superseded session must not mark the host offline: its replacement is connected,
      // here or (a newer epoch) on another hub instance.
      if (wasReady && current) {
        const release = { agentId: sender.agentId, hostId: sender.hostId, epoch: live.epoch ?? 0 };
        chain = chain
          .then(() => releaseAgentSession(deps.db, { ...release, now: deps.clock() }))
          .then(() => {})
          .catch((error: unknown) => {
            log.error({ err: error }, 'could not mark host disconnected');
          });
      }
    },

    /** Settles when every message received so far is handled (used on shutdown and in tests). */
    drained(): Promise<void> {
      return chain;
    },
  };
}
export type AgentSession = ReturnType<typeof createAgentSession>;
