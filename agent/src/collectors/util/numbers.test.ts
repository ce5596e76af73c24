import { describe, expect, it } from 'vitest';
import { ratePerSec } from './numbers.js';

describe('ratePerSec', () => {
  it.each([
    [286_433_600, 28_643],
    [74_900, 7.49],
    [123_456, 12.3],
    [0, 0],
  ])('turns a counter growing by %i over 10 000 s into %s per second', (delta, expected) => {
    expect(ratePerSec(1_000 + delta, 1_000, 10_000_000)).toBe(expected);
  });

  it('counts a counter that went backwards, or no elapsed time, as 0', () => {
    expect(ratePerSec(5, 10, 1000)).toBe(0);
    expect(ratePerSec(10, 5, 0)).toBe(0);
  });
});
