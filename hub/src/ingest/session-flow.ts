import { type CloseCodeName, encodeMessage, type HubMessage, type RawFrame } from '@vigie/shared';
import type { Logger } from 'pino';
import {
  type AgentRateLimit,
  type AgentRates,
  createAgentRateLimit,
  type RateLimits,
} from './agent-rate-limit.js';

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
export function frameBytes(frame: RawFrame): number {
  if (typeof frame === 'string') return Buffer.byteLength(frame);
  if (Array.isArray(frame)) return frame.reduce((sum, part) => sum + part.length, 0);
  return frame.byteLength;
}

/**
 * What the session lends its flow control (the session itself implements it: methods are called
 * on this object, never detached from it).
 */
export interface FlowControlOptions {
  readonly limits: SessionLimits;
  /** Messages waiting for their commit before the socket stops being read. */
  readonly maxInFlight: number;
  readonly clock: () => number;
  readonly log: Logger;
  /** Whether the session is closed (by either side). */
  isClosed(): boolean;
  /** Close the session with an application close code. */
  close(code: CloseCodeName, detail: string): void;
  /** The authenticated agent, for the logs (undefined before the hello is checked). */
  agentId(): string | undefined;
  /** A queued job threw: its message was not acknowledged. */
  onJobFailed(error: unknown): void;
}

/**
 * One socket's flow control: the rate budget charged on every frame before it is decoded (frames
 * over it are delayed with the socket paused, too many in a row close with 4032), the in-order
 * queue of work with the socket paused while it is full, and the send buffer bound (4034).
 */
export function createFlowControl(socket: SessionSocket, options: FlowControlOptions): FlowControl {
  return new FlowControl(socket, options);
}

const noop = () => {};
// What a socket at rest waits on: one settled promise shared by all, not two of its own.
const SETTLED: Promise<void> = Promise.resolve();

// A class: a socket keeps its flow for its life, so it holds its state, not a dozen closures.
class FlowControl {
  // The socket's own budget until the hello names the agent, then the agent's (across reconnects).
  private rate: AgentRateLimit;
  private chain: Promise<void> = SETTLED;
  // Commits submitted by pipelined jobs and not settled yet: every other job waits for them.
  private pipelined: Promise<void> = SETTLED;
  private submitted = 0;
  private inFlight = 0;
  // Frames over the rate waiting for their turn; while there are any, the socket is not read.
  private delayed = 0;
  private paused = false;
  // Sizes of the frames received before the agent's budget applies (charged to it once known).
  private unattributed: number[] | undefined = [];

  constructor(
    private readonly socket: SessionSocket,
    private readonly options: FlowControlOptions,
  ) {
    this.rate = createAgentRateLimit(options.limits, options.clock);
  }

  /** Stop reading the socket while the chain is full or frames over the rate wait, resume after. */
  private updateFlow(): void {
    const shouldPause = this.inFlight >= this.options.maxInFlight || this.delayed > 0;
    if (shouldPause === this.paused || this.options.isClosed()) return;
    this.paused = shouldPause;
    if (this.paused) this.socket.pause();
    else this.socket.resume();
  }

  /** Run `job` in order behind everything queued, `delayMs` from now if its frame was over the rate. */
  private queue(job: () => Promise<void>, delayMs: number): void {
    this.inFlight += 1;
    let work = job;
    if (delayMs > 0) {
      this.delayed += 1;
      // Due at an absolute time: the wait must not add up with the time spent on earlier frames.
      const dueAt = performance.now() + delayMs;
      work = async () => {
        const left = dueAt - performance.now();
        if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
        this.delayed -= 1;
        // Closed meanwhile (more violations): the agent resends what was never acknowledged.
        if (!this.options.isClosed()) await job();
      };
    }
    this.updateFlow();
    const tail: Promise<void> = this.chain
      .then(work)
      .catch((error: unknown) => this.options.onJobFailed(error))
      .finally(() => {
        this.inFlight -= 1;
        this.updateFlow();
        // Nothing queued behind it: the chain at rest is the shared settled promise.
        if (this.chain === tail) this.chain = SETTLED;
      });
    this.chain = tail;
  }

  /**
   * Charge one inbound frame to the budget, counted before decoding: garbage costs the sender as
   * much as data does. Returns how long its handling must wait, or undefined if it closed the socket.
   */
  admit(frame: RawFrame): number | undefined {
    const size = frameBytes(frame);
    this.unattributed?.push(size);
    const verdict = this.rate.charge(size);
    if (verdict.kind === 'close') {
      this.options.close('RATE_LIMITED', verdict.detail);
      return undefined;
    }
    const delayMs = verdict.kind === 'delay' ? verdict.waitMs : 0;
    if (verdict.kind === 'delay' && verdict.first) {
      this.options.log.warn(
        { code: 'RATE_LIMITED', agentId: this.options.agentId(), over: verdict.over, delayMs },
        'agent over its rate: frames delayed',
      );
    }
    return delayMs;
  }

  /**
   * Switch to the agent's own budget, and charge it with every frame this socket received before
   * the hello was checked: frames pipelined behind a hello would otherwise get a fresh burst on
   * every reconnect. False if that closed the socket.
   */
  async chargeAgent(agentId: string, rates: AgentRates | undefined): Promise<boolean> {
    const frames = this.unattributed ?? [];
    this.unattributed = undefined;
    if (!rates) return true;
    this.rate = rates.forAgent(agentId);
    let waitMs = 0;
    for (const size of frames) {
      const verdict = this.rate.charge(size);
      if (verdict.kind === 'close') {
        this.options.close('RATE_LIMITED', verdict.detail);
        return false;
      }
      if (verdict.kind === 'delay') waitMs = Math.max(waitMs, verdict.waitMs);
    }
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    return !this.options.isClosed();
  }

  /** Queue the handling of one frame, `delayMs` from now if it was over the rate. */
  enqueue(job: () => Promise<void>, delayMs = 0): void {
    this.queue(() => this.pipelined.then(job), delayMs);
  }

  /**
   * Queue a frame whose work may overlap the next one's: `submit` hands it to a store that commits
   * in submission order (group commit) and returns when that is done. The next pipelined frame is
   * submitted without waiting, so a socket's queued messages share one commit; any other job, and
   * `after`, waits until every submitted one settled. The frame counts as in flight until then.
   */
  pipeline(submit: () => Promise<void>, delayMs = 0): void {
    this.queue(() => {
      this.inFlight += 1;
      this.submitted += 1;
      const done = submit()
        .catch((error: unknown) => this.options.onJobFailed(error))
        .finally(() => {
          this.inFlight -= 1;
          this.updateFlow();
          // Every submitted commit settled: what comes next has nothing to wait for.
          this.submitted -= 1;
          if (this.submitted === 0) this.pipelined = SETTLED;
        });
      this.pipelined = Promise.all([this.pipelined, done]).then(noop);
      return Promise.resolve();
    }, delayMs);
  }

  /** Run `job` after everything queued so far (not counted as a frame); its result, in order. */
  after<T>(job: () => T | Promise<T>): Promise<T> {
    const result = this.chain.then(() => this.pipelined).then(job);
    this.chain = result.then(noop, noop);
    return result;
  }

  /** Send a message, unless the agent stopped reading: the hub would buffer without bound. */
  send(message: HubMessage): void {
    if (this.options.isClosed()) return;
    const socket = this.socket;
    if ((socket.bufferedAmount ?? 0) > this.options.limits.maxBufferedBytes) {
      this.options.close('SLOW_CONSUMER', `${socket.bufferedAmount} bytes unread`);
      return;
    }
    socket.send(encodeMessage(message));
  }

  /** Close the socket with `code` and `reason` (the session's close; the socket is held here). */
  closeSocket(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  /**
   * The hub is closing the socket. A paused socket would never read the peer's answer to our
   * close frame: the close handshake would hang until ws' 30 s timeout. What arrives from now
   * on is read and ignored.
   */
  closing(): void {
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /**
   * The peer left a heartbeat unanswered. While we do not read the socket its pong is simply
   * unread, so that is no proof of death: over its rate, the agent is closed for that
   * (RATE_LIMITED, as it would be after more delayed frames); held back by our own slow commits,
   * it is not at fault and stays. Answers whether the caller should terminate it as dead.
   */
  missedHeartbeat(): 'dead' | 'handled' {
    if (!this.paused || this.options.isClosed()) return 'dead';
    if (this.delayed > 0)
      this.options.close('RATE_LIMITED', 'still over its rate when a heartbeat went unanswered');
    return 'handled';
  }

  /** Settles when every job queued so far is done. */
  drained(): Promise<void> {
    return this.chain.then(() => this.pipelined);
  }
}

export type { FlowControl };
