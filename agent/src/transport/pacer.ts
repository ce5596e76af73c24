/** A token bucket: at most `ratePerSec` takes per second on average, `burst` at once. */
export interface Pacer {
  /** Take one token if there is one. */
  take(now: number): boolean;
  /** Milliseconds until a token is available (0 when one is). */
  waitMs(now: number): number;
}

/** Creates a full bucket; the clock is the caller's (tests pass a fake one). */
export function createPacer(ratePerSec: number, burst = Math.max(1, Math.ceil(ratePerSec))): Pacer {
  let tokens = burst;
  let last: number | undefined;

  function refill(now: number): void {
    // A clock that steps back must not drain the bucket forever.
    if (last !== undefined && now > last)
      tokens = Math.min(burst, tokens + ((now - last) * ratePerSec) / 1000);
    last = now;
  }

  return {
    take(now) {
      refill(now);
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    waitMs(now) {
      refill(now);
      return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 1000) / ratePerSec);
    },
  };
}
