import { describe, expect, it } from 'vitest';
import { createAttemptBound } from './bound.js';

describe('the agent attempt bound', () => {
  it('gives K attempts per check and resource within the window, then again once it slid', () => {
    let now = 0;
    const bound = createAttemptBound(() => now);
    const asked = { maxAttempts: 2, windowSec: 3600 };
    expect(bound.take('service.down', 'nginx', asked)).toBe(true);
    expect(bound.take('service.down', 'nginx', asked)).toBe(true);
    expect(bound.take('service.down', 'nginx', asked)).toBe(false);
    // Another resource has its own count.
    expect(bound.take('service.down', 'cups', asked)).toBe(true);
    now += 3601_000;
    expect(bound.take('service.down', 'nginx', asked)).toBe(true);
  });

  it('never grants more than its own ceiling, whatever the hub asks', () => {
    let now = 0;
    const bound = createAttemptBound(() => now);
    const greedy = { maxAttempts: 100, windowSec: 60 };
    let granted = 0;
    for (let i = 0; i < 50; i++) {
      if (bound.take('service.down', 'nginx', greedy)) granted += 1;
      now += 1000;
    }
    // At most 5 within any 10 minutes: the 50 tries span 50 s.
    expect(granted).toBe(5);
  });
});
