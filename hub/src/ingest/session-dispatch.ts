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
  close(code: CloseCodeName, detail: string): void;
  /** The authenticated agent (undefined until the hello is checked). */
  sender(): SenderIdentity | undefined;
  readonly observer?: IngestObserver | undefined;
}

type DispatchDeps = Pick<HubDeps, 'db' | 'clock' | 'incidents' | 'random' | 'credentials'>;

/**
 * The messages of an authenticated agent, in arrival order: each data message is committed
 * through its handler (handlers/index.ts) and acknowledged only after the commit; a
 * `credentialSaved` confirms the agent's new secret.
 */
export function createDispatch(
  deps: DispatchDeps,
  sessions: Pick<LiveSessions, 'storage'>,
  io: DispatchIo,
): Dispatch {
  return new Dispatch(deps, sessions, io);
}

/**
 * The acks owed after a group commit, sent together on the next tick: the commit settles its
 * reports one after the other in one turn, so each socket's ack covers the highest of its own, and
 * the sockets' acks are written in one loop rather than a tick and a promise per socket.
 */
const dueAcks: Dispatch[] = [];
let acksSent: Promise<void> | undefined;

function sendDueAcks(resolve: () => void): void {
  acksSent = undefined;
  // A send may close a socket (slow consumer), never schedule another ack: the list is stable. One
  // socket's failure must not cost the others their ack (each had its own tick before): the first
  // error is thrown once every ack was tried, as a tick of its own would have thrown it.
  let failure: { error: unknown } | undefined;
  for (const dispatch of dueAcks) {
    try {
      dispatch.sendDueAck();
    } catch (error) {
      failure ??= { error };
    }
  }
  dueAcks.length = 0;
  resolve();
  if (failure) throw failure.error;
}

function scheduleAcks(resolve: () => void): void {
  process.nextTick(sendDueAcks, resolve);
}

// A class: an agent keeps its dispatcher for the socket's life, so it holds its state, not closures.
class Dispatch {
  // The ack owed for the messages committed so far and not acknowledged yet: one per commit.
  private ackBootId: string | undefined;
  private ackSeq = 0;

  constructor(
    private readonly deps: DispatchDeps,
    private readonly sessions: Pick<LiveSessions, 'storage'>,
    private readonly io: DispatchIo,
  ) {}

  private async onCredentialSaved(claimed: string): Promise<void> {
    const { deps, io } = this;
    const sender = io.sender();
    if (!sender) return;
    // Identity is the connection's; a message naming another agent is a violation, not a request.
    if (claimed !== sender.agentId) return io.close('PROTOCOL_ERROR', 'credentialSaved for another agent');
    if (await confirmSecretSaved(deps.db, sender.agentId, deps.credentials))
      io.log.info({ agentId: sender.agentId }, 'agent saved its new secret; the previous one is refused now');
  }

  /** One `error` frame per kind of refusal, before the ack that tells the message is done with. */
  private reportRefused(
    sender: SenderIdentity,
    message: AgentDataMessage,
    refused: readonly Refusal[],
  ): void {
    const io = this.io;
    io.log.warn(
      { agentId: sender.agentId, seq: message.seq, refused: refused.slice(0, 5) },
      'refused part of a message',
    );
    for (const code of new Set(refused.map((r) => r.code))) {
      const ofCode = refused.filter((r) => r.code === code);
      const text = `${ofCode.length} refused, e.g. ${ofCode[0]?.detail ?? ''}`;
      io.flow.send({ type: 'error', code, message: text.slice(0, LIMITS.maxTextLength), seq: message.seq });
    }
  }

  /** Send the ack owed, if any (from the shared flush, or before a failure closes the socket). */
  sendDueAck(): void {
    const bootId = this.ackBootId;
    if (bootId === undefined) return;
    this.ackBootId = undefined;
    this.io.flow.send({ type: 'ack', bootId, seq: this.ackSeq });
  }

  /**
   * Acknowledge `seq` once every message of this socket settled by the same commit was handled: a
   * group commit settles them one after the other in one turn, so the ack goes out on the next
   * tick, covering the highest. Acks are per boot: another boot's due ack goes out first.
   */
  private ackAfterCommit(bootId: string, seq: number): Promise<void> {
    if (this.ackBootId === undefined) {
      this.ackBootId = bootId;
      this.ackSeq = seq;
      dueAcks.push(this);
    } else if (this.ackBootId !== bootId) {
      // Still listed: the flush sends this boot's ack.
      this.sendDueAck();
      this.ackBootId = bootId;
      this.ackSeq = seq;
    } else this.ackSeq = Math.max(this.ackSeq, seq);
    acksSent ??= new Promise<void>(scheduleAcks);
    return acksSent;
  }

  /** What a commit leaves to tell: refusals, gaps and new boots; the ack is the caller's. */
  private committed(
    sender: SenderIdentity,
    message: AgentDataMessage,
    outcome: CommitOutcome,
    started: number,
  ): void {
    const io = this.io;
    this.sessions.storage.succeeded();
    const samples = message.type === 'metrics' ? message.samples.length : 0;
    io.observer?.committed(message.type, (performance.now() - started) / 1000, samples);
    if (outcome.status !== 'stored') return;
    if (outcome.refused) this.reportRefused(sender, message, outcome.refused);
    if (outcome.gapFrom !== undefined) {
      io.log.warn(
        { agentId: sender.agentId, bootId: message.bootId, from: outcome.gapFrom, to: message.seq - 1 },
        'sequence gap',
      );
    }
    if (outcome.newBoot) {
      io.log.info({ agentId: sender.agentId, bootId: message.bootId, seq: message.seq }, 'new agent boot');
    }
  }

  private async onData(message: AgentDataMessage, refusedSamples?: readonly RefusedSample[]): Promise<void> {
    const sender = this.io.sender();
    if (!sender) return;
    const started = performance.now();
    const outcome = await commitDataMessage(this.deps, sender, message, refusedSamples);
    this.committed(sender, message, outcome, started);
    this.io.flow.send({ type: 'ack', bootId: message.bootId, seq: outcome.committedSeq });
  }

  /**
   * A metrics message handed to a store that commits in order (group commit): handed over at once,
   * so the socket's next message can join the same commit, and acknowledged with the others.
   */
  private submitMetrics(message: AgentDataMessage, refusedSamples?: readonly RefusedSample[]): Promise<void> {
    const sender = this.io.sender();
    if (!sender) return Promise.resolve();
    const started = performance.now();
    return commitDataMessage(this.deps, sender, message, refusedSamples).then(
      (outcome) => {
        this.committed(sender, message, outcome, started);
        return this.ackAfterCommit(message.bootId, outcome.committedSeq);
      },
      (error: unknown) => {
        // What committed before it is acknowledged before the failure closes the socket.
        this.sendDueAck();
        throw error;
      },
    );
  }

  /**
   * Queue a message past the handshake (`delayMs` late if over the rate). Frames pipelined
   * behind the hello wait in the queue until authentication is done.
   */
  receive(
    message: Exclude<AgentMessage, { type: 'hello' }>,
    delayMs: number,
    refusedSamples?: readonly RefusedSample[],
  ): void {
    const flow = this.io.flow;
    if (message.type === 'credentialSaved') {
      const claimed = message.agentId;
      flow.enqueue(() => this.onCredentialSaved(claimed), delayMs);
    } else if (message.type === 'metrics' && commitsInOrder(this.deps.db))
      flow.pipeline(() => this.submitMetrics(message, refusedSamples), delayMs);
    else flow.enqueue(() => this.onData(message, refusedSamples), delayMs);
  }
}

export type { Dispatch };
