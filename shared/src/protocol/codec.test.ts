import { describe, expect, it } from 'vitest';
import { CLOSE_CODES, closeCodeName } from './close-codes.js';
import { closeReason, decodeAgentMessage, decodeHubMessage, encodeMessage } from './codec.js';
import { LIMITS } from './limits.js';
import type { AgentMessage } from './messages.js';

const hello = {
  type: 'hello',
  protocolVersion: 1,
  credential: { agentId: 'agt_0123456789', secret: 's'.repeat(32) },
  fingerprint: 'f'.repeat(64),
  agentVersion: '0.1.0',
  hostname: 'pc-compta-01',
  os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0', arch: 'x64' },
  bootId: 'boot_abcdefgh',
} satisfies AgentMessage;

const metrics = {
  type: 'metrics',
  bootId: 'boot_abcdefgh',
  seq: 1,
  samples: [
    {
      at: 1_764_000_000_000,
      cpu: { usagePct: 12.5, perCorePct: [10, 15], load: [0.5, 0.4, 0.3] },
      memory: {
        totalBytes: 8e9,
        usedBytes: 2e9,
        availableBytes: 6e9,
        usedPct: 25,
        swapTotalBytes: 0,
        swapUsedBytes: 0,
        swapUsedPct: 0,
      },
    },
  ],
} satisfies AgentMessage;

describe('decodeAgentMessage', () => {
  describe('accepts', () => {
    it('a valid hello, from a string or a buffer', () => {
      for (const frame of [JSON.stringify(hello), Buffer.from(JSON.stringify(hello))]) {
        const result = decodeAgentMessage(frame);
        expect(result).toEqual({ ok: true, value: hello });
      }
    });

    it('a metrics batch and round-trips it through encodeMessage', () => {
      const result = decodeAgentMessage(encodeMessage(metrics));
      expect(result.ok && result.value).toEqual(metrics);
    });

    it('inventory strings verbatim, markup and all', () => {
      const hostile = '<script>alert(1)</script>\u202e"\'';
      const result = decodeAgentMessage(
        JSON.stringify({
          type: 'inventory',
          bootId: 'boot_abcdefgh',
          seq: 2,
          at: 1,
          hash: 'abcdef0123',
          chunk: 0,
          chunks: 1,
          software: [{ name: hostile, version: '1.0', source: 'dpkg' }],
        }),
      );
      expect(result.ok && result.value.type === 'inventory' && result.value.software?.[0]?.name).toBe(
        hostile,
      );
    });
  });

  describe('leaves out a sample, keeping the message, for', () => {
    const memory = {
      totalBytes: 8e9,
      usedBytes: 4e9,
      availableBytes: 4e9,
      usedPct: 50,
      swapTotalBytes: 0,
      swapUsedBytes: 0,
      swapUsedPct: 0,
    };
    const fs = { mount: '/', device: '/dev/sda1', fsType: 'ext4', sizeBytes: 1e11, usedBytes: 5e10 };
    it.each([
      ['a CPU usage over 100 %', { at: 1, cpu: { usagePct: 250, perCorePct: [] } }],
      ['a negative timestamp', { at: -5 }],
      ['a timestamp past year 275760', { at: 8.64e15 + 1 }],
      ['1e308 bytes of memory', { at: 1, memory: { ...memory, totalBytes: 1e308 } }],
      ['more memory used than there is', { at: 1, memory: { ...memory, usedBytes: 9e9 } }],
      ['more swap used than there is', { at: 1, memory: { ...memory, swapUsedBytes: 1 } }],
      ['a load average of 1e300', { at: 1, cpu: { usagePct: 1, perCorePct: [], load: [1e300, 0, 0] } }],
      [
        'a negative error counter',
        {
          at: 1,
          network: [
            {
              iface: 'eth0',
              rxBytesPerSec: 0,
              txBytesPerSec: 0,
              rxErrors: -1,
              txErrors: 0,
              rxDropped: 0,
              txDropped: 0,
            },
          ],
        },
      ],
      [
        'a filesystem fuller than its size',
        { at: 1, filesystems: [{ ...fs, usedBytes: 2e11, freeBytes: 0, usedPct: 100 }] },
      ],
      ['NaN written as null', { at: 1, cpu: { usagePct: null, perCorePct: [] } }],
    ])('%s', (_label, bad) => {
      const result = decodeAgentMessage(JSON.stringify({ ...metrics, samples: [{ at: 2 }, bad] }));
      expect(result.ok && result.value.type === 'metrics' && result.value.samples).toEqual([{ at: 2 }]);
      expect(result.ok && result.refusedSamples?.map((r) => r.index)).toEqual([1]);
    });

    it('every sample, still decoding the message so that it can be acknowledged', () => {
      const result = decodeAgentMessage(JSON.stringify({ ...metrics, samples: [{ at: -1 }] }));
      expect(result.ok && result.value.type === 'metrics' && result.value.samples).toEqual([]);
      expect(result.ok && result.refusedSamples).toHaveLength(1);
    });
  });

  describe('rejects', () => {
    it('a frame that is not JSON with INVALID_JSON (4001)', () => {
      const result = decodeAgentMessage('{"type":"hello",');
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.closeCode).toBe(4001);
    });

    it('an unknown message type with SCHEMA_VIOLATION (4002)', () => {
      const result = decodeAgentMessage(JSON.stringify({ type: 'exec', command: 'rm -rf /' }));
      expect(!result.ok && result.error.code).toBe('SCHEMA_VIOLATION');
    });

    it.each([
      ['a missing seq', { ...metrics, seq: undefined }],
      ['a zero seq', { ...metrics, seq: 0 }],
      ['a fractional seq', { ...metrics, seq: 1.5 }],
      ['an empty batch', { ...metrics, samples: [] }],
      ['a bootId with a path in it', { ...metrics, bootId: '../../etc/passwd' }],
      ['a hostname over the bound', { ...hello, hostname: 'h'.repeat(LIMITS.maxNameLength + 1) }],
      ['a short secret', { ...hello, credential: { agentId: 'agt_0123456789', secret: 'x' } }],
      ['a JSON array', [hello]],
      [
        'an inventory chunk past its count',
        {
          type: 'inventory',
          bootId: 'boot_abcdefgh',
          seq: 1,
          at: 1,
          hash: 'abcdef0123',
          chunk: 1,
          chunks: 1,
        },
      ],
      [
        'an inventory of more chunks than the limit',
        {
          type: 'inventory',
          bootId: 'boot_abcdefgh',
          seq: 1,
          at: 1,
          hash: 'abcdef0123',
          chunk: 0,
          chunks: LIMITS.maxInventoryChunks + 1,
        },
      ],
      ['JSON null', null],
    ])('%s', (_label, message) => {
      const result = decodeAgentMessage(JSON.stringify(message));
      expect(!result.ok && result.error.code).toBe('SCHEMA_VIOLATION');
    });

    it('a batch with more samples than the limit', () => {
      const samples = Array.from({ length: LIMITS.maxSamplesPerBatch + 1 }, (_, i) => ({ at: i }));
      const result = decodeAgentMessage(JSON.stringify({ ...metrics, samples }));
      expect(!result.ok && result.error.code).toBe('SCHEMA_VIOLATION');
    });

    it('a frame over the size limit before parsing it', () => {
      const result = decodeAgentMessage(' '.repeat(LIMITS.maxFrameBytes + 1));
      expect(!result.ok && result.error.closeCode).toBe(CLOSE_CODES.FRAME_TOO_LARGE.code);
    });

    it('a hub message sent by an agent', () => {
      const result = decodeAgentMessage(JSON.stringify({ type: 'ack', bootId: 'boot_abcdefgh', seq: 3 }));
      expect(result.ok).toBe(false);
    });
  });
});

describe('decodeHubMessage', () => {
  it('accepts an ack and rejects an agent message', () => {
    expect(decodeHubMessage(JSON.stringify({ type: 'ack', bootId: 'boot_abcdefgh', seq: 3 })).ok).toBe(true);
    expect(decodeHubMessage(JSON.stringify(hello)).ok).toBe(false);
  });
});

describe('close codes', () => {
  it('are unique and all in the application range', () => {
    const codes = Object.values(CLOSE_CODES).map((entry) => entry.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code >= 4000 && code <= 4999).toBe(true);
  });

  it('map back to their name', () => {
    expect(closeCodeName(4010)).toBe('AUTH_FAILED');
    expect(closeCodeName(1000)).toBeUndefined();
  });
});

describe('closeReason', () => {
  it('keeps a close reason within the 123 bytes RFC 6455 allows', () => {
    const reason = closeReason('é'.repeat(200));
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    expect(closeReason('short')).toBe('short');
  });
});
