import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAgentMessage } from './codec.js';
import { LIMITS } from './limits.js';
import type { Sample } from './sample.js';
import { SAMPLE_DELTA_CAPABILITY } from './sample-delta.js';
import { createMetricsDeltaEncoder } from './sample-delta-encode.js';
import { createStaticCarry } from './sample-statics.js';

// The hub reads samples as changes only from an agent that said so in its hello, rebuilds them
// before validating, and refuses (never guesses) what it cannot rebuild.

const full: Sample = {
  at: 1_700_000_000_000,
  memory: {
    totalBytes: 8e9,
    usedBytes: 1e9,
    availableBytes: 7e9,
    usedPct: 12.5,
    swapTotalBytes: 0,
    swapUsedBytes: 0,
    swapUsedPct: 0,
  },
  filesystems: [
    {
      mount: '/',
      device: '/dev/sda1',
      fsType: 'ext4',
      sizeBytes: 100,
      usedBytes: 10,
      freeBytes: 90,
      usedPct: 10,
    },
  ],
};
const later: Sample = { ...full, at: full.at + 10_000 };
const frame = (seq: number, samples: unknown[], bootId = 'boot_delta_01') =>
  JSON.stringify({ type: 'metrics', ...(bootId && { bootId }), seq, samples });

function carryAfterHello(capabilities: string[]) {
  const carry = createStaticCarry();
  carry.fill({ type: 'hello', capabilities });
  return carry;
}

describe('hub reading samples as changes', () => {
  it('rebuilds the samples of an agent that announced the capability', () => {
    const carry = carryAfterHello([SAMPLE_DELTA_CAPABILITY]);
    const encoder = createMetricsDeltaEncoder();
    const frames = [full, later].map((s, i) =>
      JSON.stringify(encoder.encode({ type: 'metrics', bootId: 'boot_delta_01', seq: i + 1, samples: [s] })),
    );
    expect(frames[1]).toBe(frame(2, [{ at: later.at }], ''));
    const decoded = frames.map((f) => decodeAgentMessage(f, carry));
    expect(decoded[1]).toEqual({
      ok: true,
      value: { type: 'metrics', bootId: 'boot_delta_01', seq: 2, samples: [later] },
    });
  });

  it('keeps the last list of each top kind in the pool when a slow sample brings only one', () => {
    // The hub keeps the pool as text (to weigh less per connection): a sample with only topByCpu
    // must not drop the topByMemory the next sample's items point into.
    const p = (pid: number, memBytes: number) => ({ pid, name: `p${pid}`, cpuPct: 1, memBytes });
    const processes = (tops: object) => ({ processes: { total: 90, running: 1, ...tops } });
    const samples: Sample[] = [
      { ...full, ...processes({ topByCpu: [p(1, 10)], topByMemory: [p(7, 70), p(8, 80)] }) },
      { ...later, ...processes({}) },
      { ...full, at: full.at + 20_000, ...processes({ topByCpu: [p(2, 20)] }) },
      { ...full, at: full.at + 30_000, ...processes({ topByMemory: [p(8, 80), p(7, 70)] }) },
    ];
    const carry = carryAfterHello([SAMPLE_DELTA_CAPABILITY]);
    const encoder = createMetricsDeltaEncoder();
    const frames = samples.map((s, i) =>
      JSON.stringify(encoder.encode({ type: 'metrics', bootId: 'boot_delta_01', seq: i + 1, samples: [s] })),
    );
    // The last one names both processes by their place in the pool, not whole.
    expect(frames[3]).not.toContain('p8');
    for (const [i, f] of frames.entries()) {
      expect(decodeAgentMessage(f, carry)).toEqual({
        ok: true,
        value: { type: 'metrics', bootId: 'boot_delta_01', seq: i + 1, samples: [samples[i]] },
      });
    }
  });

  it('reads a left-out section as absent from an agent that did not announce it', () => {
    const carry = carryAfterHello(['staticOnChange']);
    decodeAgentMessage(frame(1, [full]), carry);
    expect(decodeAgentMessage(frame(2, [{ at: later.at }]), carry)).toEqual({
      ok: true,
      value: { type: 'metrics', bootId: 'boot_delta_01', seq: 2, samples: [{ at: later.at }] },
    });
  });

  it('refuses a sample of changes on a connection that carries nothing (first sample, reconnect)', () => {
    const carry = carryAfterHello([SAMPLE_DELTA_CAPABILITY]);
    const decoded = decodeAgentMessage(frame(1, [{ at: full.at, memory: { usedBytes: 2e9 } }]), carry);
    expect(decoded.ok && decoded.value.type === 'metrics' && decoded.value.samples).toEqual([]);
    expect(decoded.ok && decoded.refusedSamples?.[0]?.detail).toContain('memory.totalBytes');
  });

  it('refuses what it cannot rebuild: an index out of range, an unknown item, a null value', () => {
    for (const wrong of [
      { at: later.at, filesystems: [3] },
      { at: later.at, filesystems: [{ mount: '/mnt', usedBytes: 1 }] },
      { at: later.at, memory: { totalBytes: null } },
    ]) {
      const carry = carryAfterHello([SAMPLE_DELTA_CAPABILITY]);
      decodeAgentMessage(frame(1, [full]), carry);
      const decoded = decodeAgentMessage(frame(2, [wrong]), carry);
      expect(decoded.ok && decoded.refusedSamples).toHaveLength(1);
    }
  });

  it('carries no sample with a list over its bound: the next sample of changes is refused', () => {
    const mounts = Array.from({ length: LIMITS.maxListItems + 1 }, (_, i) => ({
      ...full.filesystems?.[0],
      mount: `/m${i}`,
    }));
    const carry = carryAfterHello([SAMPLE_DELTA_CAPABILITY]);
    decodeAgentMessage(frame(1, [{ ...full, filesystems: mounts }]), carry);
    const decoded = decodeAgentMessage(frame(2, [{ at: later.at, filesystems: [0] }]), carry);
    expect(decoded.ok && decoded.refusedSamples).toHaveLength(1);
    // Within the bound again, the connection is carried from the next whole sample.
    decodeAgentMessage(frame(3, [full]), carry);
    expect(decodeAgentMessage(frame(4, [{ at: later.at }]), carry)).toEqual({
      ok: true,
      value: { type: 'metrics', bootId: 'boot_delta_01', seq: 4, samples: [later] },
    });
  });

  it('gives a message without bootId the bootId of the one before, and none on a fresh connection', () => {
    const carry = carryAfterHello([SAMPLE_DELTA_CAPABILITY]);
    const first = decodeAgentMessage(frame(1, [full], ''), carry);
    expect(first.ok).toBe(false);
    decodeAgentMessage(frame(2, [full], 'boot_delta_02'), carry);
    const third = decodeAgentMessage(frame(3, [{ at: later.at }], ''), carry);
    expect(third.ok && third.value.type === 'metrics' && third.value.bootId).toBe('boot_delta_02');
  });

  it('never throws on whatever a connection sends after a whole sample', () => {
    const section = fc.oneof(
      fc.jsonValue(),
      fc.array(
        fc.oneof(
          fc.integer({ min: -2, max: 3 }),
          fc.dictionary(fc.constantFrom('mount', 'pid', 'usedBytes', '__proto__'), fc.jsonValue()),
        ),
      ),
    );
    const wire = fc.dictionary(
      fc.constantFrom('at', 'cpu', 'memory', 'filesystems', 'uptime', 'processes', 'network', '__proto__'),
      section,
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(wire, fc.jsonValue()), { maxLength: 4 }), (samples) => {
        const carry = carryAfterHello([SAMPLE_DELTA_CAPABILITY]);
        decodeAgentMessage(frame(1, [{ ...full, processes: { total: 1, running: 1, topByCpu: [] } }]), carry);
        for (const [i, s] of samples.entries()) {
          const decoded = decodeAgentMessage(frame(i + 2, [s]), carry);
          expect(decoded.ok).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
