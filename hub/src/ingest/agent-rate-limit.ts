/** One agent's budget: messages and bytes per second, and how many frames over it in a row end the socket. */
export interface RateLimits {
  readonly messagesPerSec: number;
  readonly messageBurst: number;
  readonly bytesPerSec: number;
  /** Keep it above the largest frame (LIMITS.maxFrameBytes), or every big inventory chunk is a violation. */
  readonly byteBurst: number;
  /** Frames over the budget in a row (none within it in between) after which the socket is closed. */
  readonly maxViolations: number;
}

export type RateVerdict =
  | { readonly kind: 'pass' }
  /** Over the budget: handle the frame only `waitMs` from now; `first` starts a run of violations. */
  | {
      readonly kind: 'delay';
      readonly waitMs: number;
      readonly over: 'messages' | 'bytes';
      readonly first: boolean;
    }
  | { readonly kind: 'close'; readonly detail: string };

/**
 * A token bucket that may go into debt: the debt is how long the frame that made it must wait.
 * A class (and one verdict for every frame within the budget): a connected agent holds its
 * budget for the socket's life, so it keeps only its figures, not closures.
 */
class DebtBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSec: number,
    private readonly burst: number,
    clock: () => number,
  ) {
    this.tokens = burst;
    this.last = clock();
  }

  /** Spend `cost` at `now`; returns ms until the balance is back to zero (0 when it did not go below). */
  charge(cost: number, now: number): number {
    // A clock that steps back must not refill nor drain the bucket.
    if (now > this.last)
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSec);
    this.last = Math.max(this.last, now);
    this.tokens -= cost;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.perSec) * 1000);
  }
}

const PASS: RateVerdict = Object.freeze({ kind: 'pass' });

/**
 * Per-agent message and byte rate limit, counted on every frame before it is decoded (garbage
 * costs the sender as much as data). A frame over the budget is delayed, not dropped: dropping a
 * data frame would leave a seq the agent only resends after a reconnect, and a later frame's ack
 * would cover it. Each frame over the budget is a violation; a frame within it clears the count;
 * `maxViolations` in a row close the socket (docs/decisions/0019-rate-limits-credential-cache-replayed-hellos.md).
 */
class AgentRateLimit {
  private readonly messages: DebtBucket;
  private readonly bytes: DebtBucket;
  private count = 0;

  constructor(
    private readonly limits: RateLimits,
    private readonly clock: () => number,
  ) {
    this.messages = new DebtBucket(limits.messagesPerSec, limits.messageBurst, clock);
    this.bytes = new DebtBucket(limits.bytesPerSec, limits.byteBurst, clock);
  }

  /** Charge one frame of `size` bytes. */
  charge(size: number): RateVerdict {
    const now = this.clock();
    const messageWait = this.messages.charge(1, now);
    const byteWait = this.bytes.charge(size, now);
    if (messageWait === 0 && byteWait === 0) {
      this.count = 0;
      return PASS;
    }
    this.count += 1;
    const limits = this.limits;
    const over = byteWait > messageWait ? 'bytes' : 'messages';
    if (this.count >= limits.maxViolations) {
      const budget =
        over === 'bytes' ? `${limits.bytesPerSec} bytes/s` : `${limits.messagesPerSec} messages/s`;
      return { kind: 'close', detail: `${this.count} frames in a row over ${budget}` };
    }
    return { kind: 'delay', waitMs: Math.max(messageWait, byteWait), over, first: this.count === 1 };
  }

  get violations(): number {
    return this.count;
  }
}

export function createAgentRateLimit(limits: RateLimits, clock: () => number): AgentRateLimit {
  return new AgentRateLimit(limits, clock);
}

export type { AgentRateLimit };

/**
 * The budgets of every agent on this hub instance, by agent id, so an agent cannot get a fresh
 * burst (nor a clean violation count) by reconnecting. A budget unused long enough to be full
 * again is forgotten once there are more than `maxAgents`.
 */
export function createAgentRates(limits: RateLimits, clock: () => number, maxAgents = 100_000) {
  const byAgent = new Map<string, { limit: AgentRateLimit; lastUsed: number }>();
  const refillMs =
    Math.max(limits.messageBurst / limits.messagesPerSec, limits.byteBurst / limits.bytesPerSec) * 1000;
  return {
    forAgent(agentId: string): AgentRateLimit {
      const now = clock();
      if (byAgent.size >= maxAgents) {
        for (const [id, entry] of byAgent)
          if (now - entry.lastUsed >= refillMs && entry.limit.violations === 0) byAgent.delete(id);
      }
      let entry = byAgent.get(agentId);
      if (!entry) {
        entry = { limit: createAgentRateLimit(limits, clock), lastUsed: now };
        byAgent.set(agentId, entry);
      }
      entry.lastUsed = now;
      return entry.limit;
    },
    get size(): number {
      return byAgent.size;
    },
  };
}
export type AgentRates = ReturnType<typeof createAgentRates>;
