import { describe, expect, it } from 'vitest';
import { decodeAgentMessage, encodeMessage } from '../codec.js';
import type { AgentMessage } from '../messages.js';

const gap = {
  type: 'metricsGap',
  bootId: 'boot_abcdefgh',
  seq: 7,
  from: 1_764_000_000_000,
  to: 1_764_000_600_000,
  count: 60,
} satisfies AgentMessage;

describe('metricsGap', () => {
  it('round-trips through the codec as a data message', () => {
    const decoded = decodeAgentMessage(encodeMessage(gap));
    expect(decoded).toEqual({ ok: true, value: gap });
  });

  it('accepts a gap of one sample (from = to)', () => {
    expect(decodeAgentMessage(JSON.stringify({ ...gap, to: gap.from, count: 1 })).ok).toBe(true);
  });

  it.each([
    ['a range that ends before it starts', { ...gap, from: gap.to + 1 }],
    ['a count of zero', { ...gap, count: 0 }],
    ['a fractional count', { ...gap, count: 1.5 }],
    ['a missing seq', { ...gap, seq: undefined }],
    ['a negative timestamp', { ...gap, from: -1 }],
  ])('rejects %s', (_label, message) => {
    const decoded = decodeAgentMessage(JSON.stringify(message));
    expect(!decoded.ok && decoded.error.code).toBe('SCHEMA_VIOLATION');
  });
});
