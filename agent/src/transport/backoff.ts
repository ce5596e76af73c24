/** Tuning of the reconnect delay; every field has a default suited to a fleet of agents. */
export interface BackoffOptions {
  /** Uniform random number in [0, 1); injected so tests are deterministic. */
  readonly random: () => number;
  /** Injected clock (ms), to tell whether the hub was reachable recently; default Date.now. */
  readonly clock?: () => number;
  /** Ceiling of the first attempt's delay. */
  readonly baseMs?: number;
  /** No delay ever exceeds this, however many attempts failed. */
  readonly capMs?: number;
  /** A connection that stayed up this long counts as healthy: the next failure starts over. */
  readonly stableAfterMs?: number;
  /**
   * The cap while a connection the hub welcomed ended less than `recentForMs` ago: a hub that was
   * just there is most likely restarting, and its agents must be back before silence is judged (0023).
   */
  readonly recentCapMs?: number;
  readonly recentForMs?: number;
}

/** Reconnect delays for one connection. */
export interface Backoff {
  /** Delay before the next attempt; each call counts one more failed attempt. */
  next(): number;
  /** Record how long the last connection stayed up; resets the attempts if it was stable. */
  noteUptime(upMs: number): void;
  /** Forget every failed attempt. */
  reset(): void;
  /** Failed attempts counted since the last reset. */
  readonly attempts: number;
}

export const BACKOFF_DEFAULTS = {
  baseMs: 2_000,
  capMs: 5 * 60_000,
  stableAfterMs: 60_000,
  recentCapMs: 20_000,
  recentForMs: 15 * 60_000,
} as const;

/**
 * Full-jitter exponential backoff (delay uniform in [0, min(cap, base·2^n))): after a hub
 * restart thousands of agents spread their reconnects instead of arriving in waves. For a while
 * after losing a welcomed connection the cap is short (every agent retries at least every
 * `recentCapMs`, so all are back within it of the hub listening); past that, the long cap spares
 * a hub that stays away.
 */
export function createBackoff(options: BackoffOptions): Backoff {
  const baseMs = options.baseMs ?? BACKOFF_DEFAULTS.baseMs;
  const capMs = options.capMs ?? BACKOFF_DEFAULTS.capMs;
  const stableAfterMs = options.stableAfterMs ?? BACKOFF_DEFAULTS.stableAfterMs;
  const recentCapMs = options.recentCapMs ?? BACKOFF_DEFAULTS.recentCapMs;
  const recentForMs = options.recentForMs ?? BACKOFF_DEFAULTS.recentForMs;
  const clock = options.clock ?? Date.now;
  let attempts = 0;
  let reachableAt: number | undefined;

  return {
    next() {
      const recent = reachableAt !== undefined && clock() - reachableAt < recentForMs;
      const cap = recent ? Math.min(capMs, recentCapMs) : capMs;
      // 2^attempts overflows to Infinity long after the cap applies; Math.min keeps it finite.
      const ceiling = Math.min(cap, baseMs * 2 ** attempts);
      attempts += 1;
      return Math.floor(options.random() * ceiling);
    },
    noteUptime(upMs) {
      // Welcomed at all: the hub was reachable just now, whatever made it drop us.
      if (upMs > 0) reachableAt = clock();
      if (upMs >= stableAfterMs) attempts = 0;
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
