import { describe, expect, it } from 'vitest';
import { createAgentRateLimit, createAgentRates } from './agent-rate-limit.js';

// The budget is a pair of token buckets that may go into debt (decision 0019); these pin its
// arithmetic, which session-limits.test.ts exercises through a socket.

const limits = { messagesPerSec: 2, messageBurst: 2, bytesPerSec: 1000, byteBurst: 1000, maxViolations: 3 };

function clockAt(start: number) {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

describe('agent rate limit', () => {
  it('passes the burst, then delays by the debt and closes after maxViolations in a row', () => {
    const clock = clockAt(10_000);
    const rate = createAgentRateLimit(limits, clock.read);
    expect(rate.charge(10)).toEqual({ kind: 'pass' });
    expect(rate.charge(10)).toEqual({ kind: 'pass' });
    // One message of debt at 2/s: 500 ms.
    expect(rate.charge(10)).toEqual({ kind: 'delay', waitMs: 500, over: 'messages', first: true });
    // 1 600 bytes of debt over 1 000 B/s: the bytes wait longer.
    expect(rate.charge(2570)).toEqual({ kind: 'delay', waitMs: 1600, over: 'bytes', first: false });
    expect(rate.violations).toBe(2);
    expect(rate.charge(1)).toEqual({ kind: 'close', detail: '3 frames in a row over 1000 bytes/s' });
  });

  it('refills with time up to the burst, and a clock stepping back neither refills nor drains', () => {
    const clock = clockAt(10_000);
    const rate = createAgentRateLimit(limits, clock.read);
    rate.charge(0);
    rate.charge(0);
    clock.now -= 5_000;
    expect(rate.charge(0).kind).toBe('delay');
    clock.now = 10_000; // back where it was: no time passed for the bucket
    expect(rate.charge(0)).toEqual({ kind: 'delay', waitMs: 1000, over: 'messages', first: false });
    clock.now += 10_000; // ten seconds later: back to the burst, no more
    expect(rate.charge(0)).toEqual({ kind: 'pass' });
    expect(rate.violations).toBe(0);
    expect(rate.charge(0)).toEqual({ kind: 'pass' });
    expect(rate.charge(0)).toEqual({ kind: 'delay', waitMs: 500, over: 'messages', first: true });
  });

  it('keeps one budget per agent across reconnects', () => {
    const clock = clockAt(0);
    const rates = createAgentRates(limits, clock.read);
    expect(rates.forAgent('a')).toBe(rates.forAgent('a'));
    expect(rates.forAgent('b')).not.toBe(rates.forAgent('a'));
    expect(rates.size).toBe(2);
  });
});
