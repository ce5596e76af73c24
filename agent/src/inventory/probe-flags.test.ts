import { describe, expect, it } from 'vitest';
import { probeNodeFlags } from './probe-main.js';

describe('the inventory probe’s node flags', () => {
  it('takes the memory flags the service runs the agent with, and nothing else', () => {
    expect(
      probeNodeFlags([
        '--lite-mode',
        '--max-semi-space-size=1',
        '--import',
        '/bench/loop-delay-preload.mjs',
        '--cpu-prof',
        '--inspect=9229',
        '--v8-pool-size=1',
      ]),
    ).toEqual(['--lite-mode', '--max-semi-space-size=1', '--v8-pool-size=1']);
  });

  it('gives a plain agent a plain probe', () => {
    expect(probeNodeFlags([])).toEqual([]);
  });
});
