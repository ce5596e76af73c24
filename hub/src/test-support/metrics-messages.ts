import type { MetricsMessage, Sample } from '@vigie/shared';

/** The boot the metrics store suites send under unless told otherwise. */
export const STORE_BOOT = 'boot_store_0001';

/** One sample with two filesystems, the shape the metrics store keeps headline figures of. */
export const sample = (at: number, cpu: number): Sample => ({
  at,
  cpu: { usagePct: cpu, perCorePct: [cpu], load: [0.5, 0.4, 0.3] },
  memory: {
    totalBytes: 8e9,
    usedBytes: 2e9,
    availableBytes: 6e9,
    usedPct: 25,
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
      usedBytes: 40,
      freeBytes: 60,
      usedPct: 40,
    },
    {
      mount: '/var',
      device: '/dev/sda2',
      fsType: 'ext4',
      sizeBytes: 100,
      usedBytes: 80,
      freeBytes: 20,
      usedPct: 80,
    },
  ],
});

export const metrics = (seq: number, samples: Sample[], bootId = STORE_BOOT): MetricsMessage => ({
  type: 'metrics',
  bootId,
  seq,
  samples,
});

/** A `samples` row as the repository inserts it, received at `receivedAt`. */
export const sampleRow = (hostId: string, seq: number, receivedAt: number) => ({
  host_id: hostId,
  boot_id: 'boot_1',
  seq,
  idx: 0,
  at: receivedAt,
  received_at: receivedAt,
  cpu_pct: 1,
  mem_pct: null,
  swap_pct: null,
  disk_max_pct: null,
  load1: null,
  payload: '{}',
});
