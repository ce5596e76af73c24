import { describe, expect, it } from 'vitest';
import { type Sample, sampleSchema } from './sample.js';
import { readableSample } from './sample-readable.js';

describe('readable sample', () => {
  it('rounds percentages to 0.1 and leaves bytes, counts and rates exact', () => {
    const sample: Sample = {
      at: 1,
      cpu: { usagePct: 12.34, perCorePct: [99.96, 0.04], iowaitPct: 0.05, load: [1.27, 0.83, 0.39] },
      memory: {
        totalBytes: 8e9,
        usedBytes: 1_234_567_890,
        availableBytes: 8e9 - 1_234_567_890,
        usedPct: 15.43,
        swapTotalBytes: 0,
        swapUsedBytes: 0,
        swapUsedPct: 0,
      },
      filesystems: [
        {
          mount: '/',
          device: 'd',
          fsType: 'ext4',
          sizeBytes: 100,
          usedBytes: 33,
          freeBytes: 67,
          usedPct: 33.33,
          inodesTotal: 9,
          inodesUsed: 1,
          inodesUsedPct: 11.11,
        },
      ],
      diskIo: [
        {
          device: 'vda',
          readBytesPerSec: 396_783,
          writeBytesPerSec: 0,
          readOpsPerSec: 32.6,
          writeOpsPerSec: 0,
          busyPct: 1.66,
        },
      ],
    };
    const readable = readableSample(sample);
    expect(readable.cpu).toEqual({
      usagePct: 12.3,
      perCorePct: [100, 0],
      iowaitPct: 0.1,
      load: [1.27, 0.83, 0.39],
    });
    expect(readable.memory).toMatchObject({ usedBytes: 1_234_567_890, usedPct: 15.4 });
    expect(readable.filesystems?.[0]).toMatchObject({ usedBytes: 33, usedPct: 33.3, inodesUsedPct: 11.1 });
    expect(readable.diskIo?.[0]).toMatchObject({ readBytesPerSec: 396_783, busyPct: 1.7 });
    expect(sampleSchema.safeParse(readable).success).toBe(true);
  });
});
