import {
  type AgentDataMessage,
  CLOSE_CODES,
  type CloseCodeName,
  closeReason,
  decodeAgentMessage,
  encodeMessage,
  type Hello,
  type HubMessage,
  type Policy,
  PROTOCOL_VERSION,
  type RawFrame,
} from '@vigie/shared';
import type { HubDeps } from '../config/deps.js';
import { markDisconnected } from '../repositories/hosts.js';
import { authenticateHello } from './authenticate-hello.js';
import { commitDataMessage, type SenderIdentity } from './commit-data-message.js';
import { storeFor } from './handlers/index.js';
import type { LiveSession, LiveSessions } from './live-sessions.js';

/** The part of a WebSocket a session uses; `ws` satisfies it, tests may pass a fake. */
export interface SessionSocket {
  send(data: string): void;
  close(code: number, reason: string): void;
  pause(): void;
  resume(): void;
}

export interface SessionOptions {
  readonly helloTimeoutMs: number;
  /** Messages waiting for their commit before the socket stops being read. */
  readonly maxInFlight: number;
  readonly policyFor: (hostId: string) => Policy;
  readonly remoteAddress: string;
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
  const log = deps.log.child({ remote: options.remoteAddress });
  const helloTimer = setTimeout(
    () => fail('HELLO_TIMEOUT', `no hello within ${options.helloTimeoutMs} ms`),
    options.helloTimeoutMs,
  );

  const isClosed = () => phase === 'closed';

  function send(message: HubMessage): void {
    if (phase !== 'closed') socket.send(encodeMessage(message));
  }

  function fail(code: CloseCodeName, detail: string): void {
    if (phase === 'closed') return;
    // Routine closes are info; a close caused by what the agent sent is worth a warning.
    const level = code === 'SERVICE_RESTART' || code === 'SUPERSEDED' ? 'info' : 'warn';
    log[level]({ close: code, agentId: sender?.agentId, detail }, 'closing agent connection');
    socket.close(CLOSE_CODES[code].code, closeReason(`${CLOSE_CODES[code].reason}: ${detail}`));
    phase = 'closed';
    clearTimeout(helloTimer);
  }

  async function onHello(hello: Hello): Promise<void> {
    clearTimeout(helloTimer);
    const outcome = await authenticateHello(deps, hello);
    // The socket may have closed while the database answered.
    if (isClosed()) return;
    if (!outcome.ok) return fail(outcome.close, outcome.detail);
    sender = { agentId: outcome.agent.id, hostId: outcome.agent.host_id };
    const agentId = outcome.agent.id;
    live = { agentId, kick: (close) => fail(close, 'by the hub') };
    sessions.register(live);
    phase = 'ready';
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
      policy: options.policyFor(sender.hostId),
    });
  }

  async function onData(message: AgentDataMessage): Promise<void> {
    if (!sender) return;
    const outcome = await commitDataMessage(deps, sender, message, storeFor(message, sender, deps));
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

  function enqueue(work: () => Promise<void>): void {
    inFlight += 1;
    if (inFlight === options.maxInFlight) socket.pause();
    chain = chain
      .then(work)
      .catch((error: unknown) => {
        // Not acknowledged, so the agent keeps the message and sends it again after reconnecting.
        log.error({ err: error, agentId: sender?.agentId }, 'could not store agent message');
        fail('STORAGE_UNAVAILABLE', 'store failed');
      })
      .finally(() => {
        inFlight -= 1;
        if (inFlight === options.maxInFlight - 1) socket.resume();
      });
  }

  return {
    /** Handle one inbound frame. */
    receive(frame: RawFrame): void {
      if (phase === 'closed') return;
      const decoded = decodeAgentMessage(frame);
      if (!decoded.ok) {
        fail(decoded.error.code, decoded.error.detail);
      } else if (decoded.value.type === 'hello') {
        const hello = decoded.value;
        if (phase === 'awaiting-hello') {
          // Set now, not when the chain reaches onHello, so frames pipelined behind the hello queue up.
          phase = 'authenticating';
          enqueue(() => onHello(hello));
        } else fail('DUPLICATE_HELLO', 'hello after hello');
      } else if (phase === 'awaiting-hello') {
        fail('HELLO_REQUIRED', `got ${decoded.value.type}`);
      } else {
        // Frames pipelined behind the hello wait in the chain until authentication is done.
        const message = decoded.value;
        enqueue(() => onData(message));
      }
    },

    /** The socket closed (either side). */
    closed(code: number): void {
      const wasReady = sender !== undefined;
      phase = 'closed';
      clearTimeout(helloTimer);
      if (!live || !sender) return;
      const current = sessions.unregister(live);
      log.info({ agentId: sender.agentId, code }, 'agent disconnected');
      // A superseded session must not mark the host offline: its replacement is connected.
      if (wasReady && current) {
        const hostId = sender.hostId;
        chain = chain
          .then(() => markDisconnected(deps.db, hostId, deps.clock()))
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
