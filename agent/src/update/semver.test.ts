import { describe, expect, it } from 'vitest';
import { compareVersions } from './semver.js';

describe('compareVersions', () => {
  it.each([
    ['0.1.1', '0.1.0', 1],
    ['0.2.0', '0.10.0', -1],
    ['1.0.0', '0.99.99', 1],
    ['1.0.0', '1.0.0', 0],
    ['1.0.0-rc.1', '1.0.0', -1],
    ['1.0.0-rc.2', '1.0.0-rc.10', -1],
    ['1.0.0-beta', '1.0.0-alpha', 1],
    ['1.0.0-rc.1.1', '1.0.0-rc.1', 1],
  ] as const)('%s vs %s is %i', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });

  it('does not order what is not a version', () => {
    expect(compareVersions('unknown', '0.1.0')).toBeUndefined();
    expect(compareVersions('0.1.0', '0.1')).toBeUndefined();
  });
});
