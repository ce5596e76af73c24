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

  describe('after losing a connection the hub had welcomed', () => {
    it('retries at least every 20 s while the hub was reachable within 15 min, then backs off to 5 min', () => {
      let now = 0;
      const backoff = createBackoff({ random: () => 0.999_999, clock: () => now });
      backoff.noteUptime(5_000);
      const delays = Array.from({ length: 50 }, () => backoff.next());
      // The first attempts come fast (2 s, 4 s, 8 s windows), none waits 20 s or more.
      expect(delays.slice(0, 3)).toEqual([1_999, 3_999, 7_999]);
      expect(Math.max(...delays)).toBeLessThan(20_000);
      now = 15 * 60_000;
      expect(backoff.next()).toBe(299_999);
    });

    it('keeps the long cap for an agent the hub never welcomed', () => {
      const backoff = createBackoff({ random: () => 0.999_999, clock: () => 0 });
      const delays = Array.from({ length: 20 }, () => backoff.next());
      expect(delays.at(-1)).toBe(299_999);
    });

    it('spreads a fleet retrying in the short cap uniformly, not in waves', () => {
      let seed = 42;
      const random = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const perSecond = new Array(20).fill(0);
      for (let agent = 0; agent < 10_000; agent += 1) {
        const backoff = createBackoff({ random, clock: () => 0 });
        backoff.noteUptime(120_000);
        for (let i = 0; i < 6; i += 1) backoff.next();
        perSecond[Math.floor(backoff.next() / 1000)] += 1;
      }
      // 10 000 agents in the 20 s cap: about 500 a second, no second above 1.3× that.
      expect(Math.max(...perSecond)).toBeLessThan(650);
    });
  });
});
