import { sampleSchema } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { fakeHost, recordedProc } from './__fixtures__/fake-host.js';
import { fakeSi, siRecording } from './__fixtures__/si-fake.js';
import { createLinuxMemoryCollector } from './memory.linux.js';
import { createSiMemoryCollector } from './memory.si.js';

const fast = { slow: false, services: [] };

describe('Linux memory collector', () => {
  it('counts used memory as total minus available, with no swap on this machine', async () => {
    const sample = await createLinuxMemoryCollector(fakeHost(recordedProc())).collect(fast);
    expect(sample).toMatchObject({
      totalBytes: 24683620 * 1024,
      availableBytes: 24119640 * 1024,
      usedBytes: (24683620 - 24119640) * 1024,
      usedPct: 2.28,
      swapTotalBytes: 0,
      swapUsedPct: 0,
    });
    expect(sampleSchema.shape.memory.safeParse(sample).success).toBe(true);
  });

  it('estimates available memory on kernels without MemAvailable', async () => {
    const meminfo =
      'MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 200 kB\nSReclaimable: 50 kB\nSwapTotal: 400 kB\nSwapFree: 100 kB\n';
    const sample = await createLinuxMemoryCollector(fakeHost({ '/proc/meminfo': meminfo })).collect(fast);
    expect(sample).toMatchObject({
      availableBytes: 400 * 1024,
      usedPct: 60,
      swapUsedBytes: 300 * 1024,
      swapUsedPct: 75,
    });
  });

  it('fails loudly on a file without MemTotal', async () => {
    await expect(createLinuxMemoryCollector(fakeHost({ '/proc/meminfo': '' })).collect(fast)).rejects.toThrow(
      /MemTotal/,
    );
  });
});

describe('systeminformation memory collector', () => {
  it('maps mem() on macOS', async () => {
    expect(await createSiMemoryCollector({ si: fakeSi(siRecording('darwin')) }).collect(fast)).toEqual({
      totalBytes: 17179869184,
      usedBytes: 17179869184 - 7516192768,
      availableBytes: 7516192768,
      usedPct: 56.25,
      swapTotalBytes: 2147483648,
      swapUsedBytes: 1073741824,
      swapUsedPct: 50,
    });
  });
});
