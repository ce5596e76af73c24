import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FilesystemSample, Sample } from './sample.js';
import { createStaticCarry, createStaticStripper } from './sample-statics.js';

const fs = (mount: string, sizeBytes: number, inodesTotal?: number): FilesystemSample => ({
  mount,
  device: `/dev/${mount.replace(/\W/g, '') || 'root'}`,
  fsType: 'ext4',
  sizeBytes,
  usedBytes: 1,
  freeBytes: sizeBytes - 1,
  usedPct: 1,
  ...(inodesTotal !== undefined && { inodesTotal, inodesUsed: 1, inodesUsedPct: 0.1 }),
});
const sampleOf = (at: number, totalBytes: number, filesystems: FilesystemSample[]): Sample => ({
  at,
  memory: {
    totalBytes,
    usedBytes: 1,
    availableBytes: totalBytes - 1,
    usedPct: 1,
    swapTotalBytes: 0,
    swapUsedBytes: 0,
    swapUsedPct: 0,
  },
  filesystems,
});

/** What the hub reads: the agent's wire JSON, filled by the carry of the same connection. */
function throughTheWire(samples: Sample[]): { wire: string[]; read: unknown[] } {
  const stripper = createStaticStripper();
  const carry = createStaticCarry();
  const wire = samples.map((s) =>
    JSON.stringify({ type: 'metrics', bootId: 'boot_0001', seq: 1, samples: [stripper.strip(s)] }),
  );
  const read = wire.map((frame) => {
    const json = JSON.parse(frame) as { samples: unknown[] };
    carry.fill(json);
    return json.samples[0];
  });
  return { wire, read };
}

describe('static fields on change', () => {
  it('sends statics once per connection and the hub reads every sample whole', () => {
    const samples = [1, 2, 3].map((i) => sampleOf(i, 8e9, [fs('/', 100, 50), fs('/var', 200)]));
    const { wire, read } = throughTheWire(samples);
    expect(wire[0]).toContain('totalBytes');
    expect(wire[1]).not.toContain('totalBytes');
    expect(wire[1]).not.toContain('/dev/');
    expect(wire[1]!.length).toBeLessThan(wire[0]!.length);
    expect(read).toEqual(samples);
  });

  it('sends a section whole again when one of its statics changes (resize, new mount, more memory)', () => {
    const samples = [
      sampleOf(1, 8e9, [fs('/', 100)]),
      sampleOf(2, 8e9, [fs('/', 150)]),
      sampleOf(3, 16e9, [fs('/', 150), fs('/mnt', 10)]),
      sampleOf(4, 16e9, [fs('/mnt', 10)]),
    ];
    const { wire, read } = throughTheWire(samples);
    expect(wire[1]).toContain('"sizeBytes":150');
    expect(wire[1]).not.toContain('totalBytes');
    expect(wire[2]).toContain('"totalBytes":16000000000');
    expect(wire[3]).not.toContain('/dev/');
    expect(read).toEqual(samples);
  });

  it('round-trips any sequence of samples on one connection', () => {
    const fsArb = fc
      .tuple(
        fc.constantFrom('/', '/var', '/home'),
        fc.integer({ min: 2, max: 5 }),
        fc.option(fc.constantFrom(10, 20)),
      )
      .map(([mount, size, inodes]) => fs(mount, size, inodes ?? undefined));
    const sampleArb = fc
      .tuple(
        fc.nat(),
        fc.constantFrom(4e9, 8e9),
        fc.uniqueArray(fsArb, { selector: (f) => f.mount, maxLength: 3 }),
      )
      .map(([at, total, list]) => sampleOf(at, total, list));
    fc.assert(
      fc.property(fc.array(sampleArb, { minLength: 1, maxLength: 8 }), (samples) => {
        expect(throughTheWire(samples).read).toEqual(samples);
      }),
    );
  });

  it('leaves a lean section lean when the connection carries nothing for it', () => {
    const carry = createStaticCarry();
    const json = {
      type: 'metrics',
      samples: [{ at: 1, memory: { usedBytes: 1 }, filesystems: [{ mount: '/' }] }],
    };
    carry.fill(json);
    expect(json.samples[0]).toEqual({ at: 1, memory: { usedBytes: 1 }, filesystems: [{ mount: '/' }] });
  });
});
