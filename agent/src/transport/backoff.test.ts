import { describe, expect, it } from 'vitest';
import { createBackoff } from './backoff.js';

describe('createBackoff', () => {
  it('doubles the ceiling of each attempt, starting at base', () => {
    const backoff = createBackoff({ random: () => 0.999_999, baseMs: 100, capMs: 10_000 });
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([99, 199, 399, 799]);
  });

  it('never exceeds the cap, even after many failures', () => {
    const backoff = createBackoff({ random: () => 0.999_999, baseMs: 1_000, capMs: 300_000 });
    const delays = Array.from({ length: 2_000 }, () => backoff.next());
    expect(Math.max(...delays)).toBeLessThan(300_000);
    expect(delays.at(-1)).toBe(299_999);
  });

  it('spreads delays over the whole window (full jitter)', () => {
    const backoff = createBackoff({ random: () => 0, baseMs: 1_000 });
    expect(backoff.next()).toBe(0);
    const half = createBackoff({ random: () => 0.5, baseMs: 1_000 });
    half.next();
    expect(half.next()).toBe(1_000);
  });

  it('starts over after a connection that stayed up long enough', () => {
    const backoff = createBackoff({ random: () => 0.5, baseMs: 1_000, stableAfterMs: 60_000 });
    backoff.next();
    backoff.next();
    backoff.next();
    backoff.noteUptime(59_999);
    expect(backoff.attempts).toBe(3);
    backoff.noteUptime(60_000);
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(500);
  });

  it('reset forgets the failed attempts', () => {
    const backoff = createBackoff({ random: () => 0.5, baseMs: 1_000 });
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(500);
  });
});
