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

/** A token bucket that may go into debt: the debt is how long the frame that made it must wait. */
function debtBucket(perSec: number, burst: number, clock: () => number) {
  let tokens = burst;
  let last = clock();
  return {
    /** Spend `cost`; returns ms until the balance is back to zero (0 when it did not go below). */
    charge(cost: number): number {
      const now = clock();
      // A clock that steps back must not refill nor drain the bucket.
      if (now > last) tokens = Math.min(burst, tokens + ((now - last) / 1000) * perSec);
      last = Math.max(last, now);
      tokens -= cost;
      return tokens >= 0 ? 0 : Math.ceil((-tokens / perSec) * 1000);
    },
  };
}

/**
 * Per-agent message and byte rate limit, counted on every frame before it is decoded (garbage
 * costs the sender as much as data). A frame over the budget is delayed, not dropped: dropping a
 * data frame would leave a seq the agent only resends after a reconnect, and a later frame's ack
 * would cover it. Each frame over the budget is a violation; a frame within it clears the count;
 * `maxViolations` in a row close the socket (docs/decisions/0019-rate-limits-credential-cache-replayed-hellos.md).
 */
export function createAgentRateLimit(limits: RateLimits, clock: () => number) {
  const messages = debtBucket(limits.messagesPerSec, limits.messageBurst, clock);
  const bytes = debtBucket(limits.bytesPerSec, limits.byteBurst, clock);
  let violations = 0;
  return {
    /** Charge one frame of `size` bytes. */
    charge(size: number): RateVerdict {
      const messageWait = messages.charge(1);
      const byteWait = bytes.charge(size);
      if (messageWait === 0 && byteWait === 0) {
        violations = 0;
        return { kind: 'pass' };
      }
      violations += 1;
      const over = byteWait > messageWait ? 'bytes' : 'messages';
      if (violations >= limits.maxViolations) {
        const budget =
          over === 'bytes' ? `${limits.bytesPerSec} bytes/s` : `${limits.messagesPerSec} messages/s`;
        return { kind: 'close', detail: `${violations} frames in a row over ${budget}` };
      }
      return { kind: 'delay', waitMs: Math.max(messageWait, byteWait), over, first: violations === 1 };
    },
    get violations(): number {
      return violations;
    },
  };
}

export type AgentRateLimit = ReturnType<typeof createAgentRateLimit>;

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
