import { describe, expect, it } from 'vitest';
import { agreedState, isFresh, type ProbeVote, voteLifetimeMs } from './agreement.js';

const NOW = 1_000_000;
const LIFETIME = voteLifetimeMs(10, 1000);
const vote = (state: ProbeVote['state'], overrides: Partial<ProbeVote> = {}): ProbeVote => ({
  state,
  online: true,
  at: NOW - 1000,
  receivedAt: NOW - 1000,
  ...overrides,
});

describe('agreement between probing agents', () => {
  it('gives a vote three intervals and the timeout to live', () => {
    expect(LIFETIME).toBe(31_000);
  });

  it('is the fault only when every fresh vote sees it', () => {
    expect(agreedState([vote('critical'), vote('critical')], NOW, LIFETIME)).toBe('critical');
    expect(agreedState([vote('critical'), vote('ok')], NOW, LIFETIME)).toBe('ok');
  });

  it('takes the least severe level the fresh votes share', () => {
    expect(agreedState([vote('critical'), vote('warning')], NOW, LIFETIME)).toBe('warning');
  });

  it('ignores an agent that is offline, silent for too long, or draining old results', () => {
    const failing = vote('critical');
    for (const gone of [
      vote('ok', { online: false }),
      vote('ok', { receivedAt: NOW - LIFETIME - 1, at: NOW - LIFETIME - 1 }),
      vote('ok', { receivedAt: NOW, at: NOW - LIFETIME - 1 }),
      vote(undefined),
    ]) {
      expect(isFresh(gone, NOW, LIFETIME)).toBe(false);
      expect(agreedState([failing, gone], NOW, LIFETIME)).toBe('critical');
    }
  });

  it('decides nothing when no vote is fresh: a silent agent neither opens nor clears', () => {
    expect(agreedState([vote('critical', { online: false })], NOW, LIFETIME)).toBeUndefined();
    expect(agreedState([], NOW, LIFETIME)).toBeUndefined();
  });
});
