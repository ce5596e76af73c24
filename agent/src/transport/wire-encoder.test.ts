import {
  createStaticCarry,
  encodeMessage,
  type MetricsMessage,
  SAMPLE_DELTA_CAPABILITY,
  STATIC_ON_CHANGE_CAPABILITY,
} from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { createWireEncoder } from './wire-encoder.js';

const metrics = (seq: number): MetricsMessage => ({
  type: 'metrics',
  bootId: 'boot_wire_0001',
  seq,
  samples: [
    {
      at: seq,
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
          usedBytes: 1,
          freeBytes: 99,
          usedPct: 1,
        },
      ],
    },
  ],
});

describe('wire encoder', () => {
  it('writes every message as it is to a hub that does not carry static fields', () => {
    const encode = createWireEncoder({ capabilities: ['checkSnapshot'] });
    expect([encode(metrics(1)), encode(metrics(2))]).toEqual([
      encodeMessage(metrics(1)),
      encodeMessage(metrics(2)),
    ]);
  });

  it('sends the statics once per connection to a hub that carries them, and again after a new welcome', () => {
    const welcome = { capabilities: [STATIC_ON_CHANGE_CAPABILITY] };
    const encode = createWireEncoder(welcome);
    expect(encode(metrics(1))).toBe(encodeMessage(metrics(1)));
    const lean = encode(metrics(2));
    expect(lean).not.toContain('totalBytes');
    expect(lean).not.toContain('/dev/sda1');
    expect(lean).toContain('"usedBytes":1000000000');
    expect(createWireEncoder(welcome)(metrics(3))).toBe(encodeMessage(metrics(3)));
  });

  it('writes samples as changes to a hub that reads them, which it rebuilds whole', () => {
    const welcome = { capabilities: [STATIC_ON_CHANGE_CAPABILITY, SAMPLE_DELTA_CAPABILITY] };
    const encode = createWireEncoder(welcome, [SAMPLE_DELTA_CAPABILITY]);
    const hub = createStaticCarry();
    hub.fill({ type: 'hello', capabilities: [STATIC_ON_CHANGE_CAPABILITY, SAMPLE_DELTA_CAPABILITY] });
    const frames = [1, 2, 3].map((seq) => encode(metrics(seq)));
    expect(frames[0]).toBe(encodeMessage(metrics(1)));
    expect(frames[2]).toBe('{"type":"metrics","seq":3,"samples":[{"at":3}]}');
    for (const [i, frame] of frames.entries()) {
      const json = JSON.parse(frame) as unknown;
      hub.fill(json);
      expect(json).toEqual(metrics(i + 1));
    }
    expect(createWireEncoder(welcome, [SAMPLE_DELTA_CAPABILITY])(metrics(4))).toBe(encodeMessage(metrics(4)));
  });

  it('writes no changes when its own hello did not announce them (the hub would read them as absent)', () => {
    const encode = createWireEncoder({
      capabilities: [STATIC_ON_CHANGE_CAPABILITY, SAMPLE_DELTA_CAPABILITY],
    });
    encode(metrics(1));
    const lean = encode(metrics(2));
    expect(lean).toContain('"bootId":"boot_wire_0001"');
    expect(lean).toContain('"usedBytes":1000000000');
    expect(lean).not.toContain('totalBytes');
  });
});
