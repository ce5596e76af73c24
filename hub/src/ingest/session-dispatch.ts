import {
  type AgentDataMessage,
  type AgentMessage,
  type CloseCodeName,
  LIMITS,
  type RefusedSample,
} from '@vigie/shared';
import type { Logger } from 'pino';
import type { HubDeps } from '../config/deps.js';
import { confirmSecretSaved } from '../identity/rotation.js';
import { commitDataMessage, type SenderIdentity } from './commit-data-message.js';
import type { CommitOutcome, Refusal } from './commit-in-transaction.js';
import { commitsInOrder } from './handlers/commit-metrics.js';
import type { LiveSessions } from './live-sessions.js';
import type { FlowControl } from './session-flow.js';

/** What ingest reports of each committed message (/metrics; counters and histograms only). */
export interface IngestObserver {
  /** One data message committed (or found a duplicate) `seconds` after its commit started. */
  committed(type: AgentDataMessage['type'], seconds: number, samples: number): void;
}

/** What the session lends the dispatcher: its queue and sender, its close, and who the agent is. */
export interface DispatchIo {
  readonly flow: Pick<FlowControl, 'enqueue' | 'pipeline' | 'send'>;
  readonly log: Logger;
  readonly close: (code: CloseCodeName, detail: string) => void;
  /** The authenticated agent (undefined until the hello is checked). */
  readonly sender: () => SenderIdentity | undefined;
  readonly observer?: IngestObserver | undefined;
}

/**
 * The messages of an authenticated agent, in arrival order: each data message is committed
 * through its handler (handlers/index.ts) and acknowledged only after the commit; a
 * `credentialSaved` confirms the agent's new secret.
 */
export function createDispatch(
  deps: Pick<HubDeps, 'db' | 'clock' | 'incidents' | 'random' | 'credentials'>,
  sessions: Pick<LiveSessions, 'storage'>,
  io: DispatchIo,
) {
  const { flow, log, close } = io;

  async function onCredentialSaved(claimed: string): Promise<void> {
    const sender = io.sender();
    if (!sender) return;
    // Identity is the connection's; a message naming another agent is a violation, not a request.
    if (claimed !== sender.agentId) return close('PROTOCOL_ERROR', 'credentialSaved for another agent');
    if (await confirmSecretSaved(deps.db, sender.agentId, deps.credentials))
      log.info({ agentId: sender.agentId }, 'agent saved its new secret; the previous one is refused now');
  }

  /** One `error` frame per kind of refusal, before the ack that tells the message is done with. */
  function reportRefused(
    sender: SenderIdentity,
    message: AgentDataMessage,
    refused: readonly Refusal[],
  ): void {
    log.warn(
      { agentId: sender.agentId, seq: message.seq, refused: refused.slice(0, 5) },
      'refused part of a message',
    );
    for (const code of new Set(refused.map((r) => r.code))) {
      const ofCode = refused.filter((r) => r.code === code);
      const text = `${ofCode.length} refused, e.g. ${ofCode[0]?.detail ?? ''}`;
      flow.send({ type: 'error', code, message: text.slice(0, LIMITS.maxTextLength), seq: message.seq });
    }
  }

  // The ack owed for the messages committed so far and not acknowledged yet: one per commit.
  let ackDue: { bootId: string; seq: number } | undefined;
  let ackTick: Promise<void> | undefined;

  function sendDueAck(): void {
    if (!ackDue) return;
    const { bootId, seq } = ackDue;
    ackDue = undefined;
    flow.send({ type: 'ack', bootId, seq });
  }

  /**
   * Acknowledge `seq` once every message of this socket settled by the same commit was handled: a
   * group commit settles them one after the other in one turn, so the ack goes out on the next
   * tick, covering the highest. Acks are per boot: another boot's due ack goes out first.
   */
  function ackAfterCommit(bootId: string, seq: number): Promise<void> {
    if (ackDue && ackDue.bootId !== bootId) sendDueAck();
    ackDue = { bootId, seq: ackDue ? Math.max(ackDue.seq, seq) : seq };
    ackTick ??= new Promise<void>((resolve) =>
      process.nextTick(() => {
        ackTick = undefined;
        sendDueAck();
        resolve();
      }),
    );
    return ackTick;
  }

  /** What a commit leaves to tell: refusals, gaps and new boots; the ack is the caller's. */
  function committed(
    sender: SenderIdentity,
    message: AgentDataMessage,
    outcome: CommitOutcome,
    started: number,
  ): void {
    sessions.storage.succeeded();
    const samples = message.type === 'metrics' ? message.samples.length : 0;
    io.observer?.committed(message.type, (performance.now() - started) / 1000, samples);
    if (outcome.status === 'stored' && outcome.refused) reportRefused(sender, message, outcome.refused);
    if (outcome.status === 'stored' && outcome.gapFrom !== undefined) {
      log.warn(
        { agentId: sender.agentId, bootId: message.bootId, from: outcome.gapFrom, to: message.seq - 1 },
        'sequence gap',
      );
    }
    if (outcome.status === 'stored' && outcome.newBoot) {
      log.info({ agentId: sender.agentId, bootId: message.bootId, seq: message.seq }, 'new agent boot');
    }
  }

  async function onData(message: AgentDataMessage, refusedSamples?: readonly RefusedSample[]): Promise<void> {
    const sender = io.sender();
    if (!sender) return;
    const started = performance.now();
    const outcome = await commitDataMessage(deps, sender, message, refusedSamples);
    committed(sender, message, outcome, started);
    flow.send({ type: 'ack', bootId: message.bootId, seq: outcome.committedSeq });
  }

  /**
   * A metrics message handed to a store that commits in order (group commit): handed over at once,
   * so the socket's next message can join the same commit, and acknowledged with the others.
   */
  function submitMetrics(
    message: AgentDataMessage,
    refusedSamples?: readonly RefusedSample[],
  ): Promise<void> {
    const sender = io.sender();
    if (!sender) return Promise.resolve();
    const started = performance.now();
    return commitDataMessage(deps, sender, message, refusedSamples).then(
      (outcome) => {
        committed(sender, message, outcome, started);
        return ackAfterCommit(message.bootId, outcome.committedSeq);
      },
      (error: unknown) => {
        // What committed before it is acknowledged before the failure closes the socket.
        sendDueAck();
        throw error;
      },
    );
  }

  return {
    /**
     * Queue a message past the handshake (`delayMs` late if over the rate). Frames pipelined
     * behind the hello wait in the queue until authentication is done.
     */
    receive(
      message: Exclude<AgentMessage, { type: 'hello' }>,
      delayMs: number,
      refusedSamples?: readonly RefusedSample[],
    ): void {
      if (message.type === 'credentialSaved') {
        const claimed = message.agentId;
        flow.enqueue(() => onCredentialSaved(claimed), delayMs);
      } else if (message.type === 'metrics' && commitsInOrder(deps.db))
        flow.pipeline(() => submitMetrics(message, refusedSamples), delayMs);
      else flow.enqueue(() => onData(message, refusedSamples), delayMs);
    },
  };
}
export type Dispatch = ReturnType<typeof createDispatch>;
