import { describe, expect, it } from 'vitest';
import { decodeAgentMessage, encodeMessage } from '../codec.js';
import type { AgentMessage } from '../messages.js';

const snapshot = {
  type: 'checkSnapshot',
  bootId: 'boot_abcdefgh',
  seq: 3,
  at: 1_764_000_000_000,
  complete: true,
  checks: [
    {
      check: 'fs.usage',
      resource: '/var',
      state: 'ok',
      observedAt: 1_764_000_000_000,
      value: 40,
      threshold: null,
    },
    { check: 'cpu.busy', state: 'pending', observedAt: 1_764_000_000_000, value: 97, threshold: null },
  ],
} satisfies AgentMessage;

describe('checkSnapshot', () => {
  it('round-trips through the codec as a data message', () => {
    expect(decodeAgentMessage(encodeMessage(snapshot))).toEqual({ ok: true, value: snapshot });
  });

  it('accepts an agent that runs no check at all (everything open for it recovers)', () => {
    expect(decodeAgentMessage(JSON.stringify({ ...snapshot, checks: [] })).ok).toBe(true);
  });

  it.each([
    ['a snapshot not marked complete', { ...snapshot, complete: false }],
    ['an unknown state', { ...snapshot, checks: [{ ...snapshot.checks[0], state: 'clearing' }] }],
    ['a missing seq', { ...snapshot, seq: undefined }],
    ['too many checks', { ...snapshot, checks: Array(1001).fill(snapshot.checks[0]) }],
  ])('rejects %s', (_label, message) => {
    const decoded = decodeAgentMessage(JSON.stringify(message));
    expect(!decoded.ok && decoded.error.code).toBe('SCHEMA_VIOLATION');
  });
});
