import { describe, expect, it } from 'vitest';
import { compareVersions } from './version-compare.js';

describe('compareVersions', () => {
  it.each([
    ['1.0', '1.1', -1],
    ['1.10', '1.9', 1],
    ['1.0~rc1', '1.0', -1],
    ['1:0.9', '2.0', 1],
    ['5.2.15-2', '5.2.15-2+b7', -1],
    ['3.0.11-1~deb12u2', '3.0.13-1~deb12u1', -1],
    ['16.0.1234.1000', '16.0.1234.1000', 0],
    ['1.0a', '1.0', 1],
    ['', '1', -1],
  ])('%s vs %s → %i', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
    expect(Math.sign(compareVersions(b, a))).toBe(-sign || 0);
  });
});
