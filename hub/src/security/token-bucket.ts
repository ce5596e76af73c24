/** Token bucket sizes: `burst` tokens at most, refilled at `perSec`. */
export interface BucketOptions {
  readonly perSec: number;
  readonly burst: number;
}

/** A token bucket on an injected clock: `take()` is false once the peer is over its rate. */
export function createTokenBucket(options: BucketOptions, clock: () => number) {
  let tokens = options.burst;
  let last = clock();
  const refill = () => {
    const now = clock();
    tokens = Math.min(options.burst, tokens + ((now - last) / 1000) * options.perSec);
    last = now;
  };
  return {
    /** Whether `cost` tokens are there, without spending them. */
    has(cost = 1): boolean {
      refill();
      return tokens >= cost;
    },
    /** Spend `cost` tokens if there are enough; refills first from the time elapsed. */
    take(cost = 1): boolean {
      refill();
      if (tokens < cost) return false;
      tokens -= cost;
      return true;
    },
  };
}
export type TokenBucket = ReturnType<typeof createTokenBucket>;

/**
 * One bucket per key (a remote address), forgetting keys idle long enough to be full again, so a
 * scan from many addresses cannot grow the map without bound past `maxKeys`.
 */
export function createKeyedBuckets(options: BucketOptions & { maxKeys: number }, clock: () => number) {
  const buckets = new Map<string, { bucket: TokenBucket; lastUsed: number }>();
  const idleMs = (options.burst / options.perSec) * 1000;
  return {
    take(key: string, cost = 1): boolean {
      const now = clock();
      if (buckets.size >= options.maxKeys) {
        for (const [k, entry] of buckets) if (now - entry.lastUsed >= idleMs) buckets.delete(k);
      }
      let entry = buckets.get(key);
      if (!entry) {
        // Still full of busy keys: refuse newcomers rather than forget someone mid-limit.
        if (buckets.size >= options.maxKeys) return false;
        entry = { bucket: createTokenBucket(options, clock), lastUsed: now };
        buckets.set(key, entry);
      }
      entry.lastUsed = now;
      return entry.bucket.take(cost);
    },
    /** Whether `key` still has `cost` tokens (a key never seen has a full bucket). */
    has(key: string, cost = 1): boolean {
      return buckets.get(key)?.bucket.has(cost) ?? true;
    },
    get size(): number {
      return buckets.size;
    },
  };
}
