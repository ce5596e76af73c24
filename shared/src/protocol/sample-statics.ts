import { LIMITS } from './limits.js';
import type { FilesystemSample, MemorySample, Sample } from './sample.js';
import { SAMPLE_DELTA_CAPABILITY } from './sample-delta.js';
import { createMetricsDeltaDecoder, type MetricsDeltaDecoder } from './sample-delta-expand.js';

// Static fields on change (decision 0031). A sample repeats, every cycle, figures that do not
// change between cycles: memory and swap totals, each filesystem's device, type, size and inode
// total. An agent talking to a hub that announced STATIC_ON_CHANGE_CAPABILITY sends them in a
// sample only when they differ from what it last sent *on this connection*, as a group: a memory
// section without `totalBytes`, or a filesystem without `device`, is "lean" and means "as last
// sent". The hub carries the last values per connection and puts them back before validating, so
// what it validates and stores is the full sample (zod's sampleSchema stays the schema of record,
// stored payloads keep their shape). A new connection (a reconnect, a new boot, a restarted hub)
// starts with nothing carried, so the first sample sent on it is full.

/** Announced in `welcome.capabilities` by a hub that carries static fields forward. */
export const STATIC_ON_CHANGE_CAPABILITY = 'staticOnChange';

type FsStatics = Pick<FilesystemSample, 'device' | 'fsType' | 'sizeBytes' | 'inodesTotal'>;
type MemoryStatics = Pick<MemorySample, 'totalBytes' | 'swapTotalBytes'>;

const sameFs = (a: FsStatics, b: FsStatics) =>
  a.device === b.device &&
  a.fsType === b.fsType &&
  a.sizeBytes === b.sizeBytes &&
  a.inodesTotal === b.inodesTotal;

/** The agent's side, one per connection: samples with what the hub already holds left out. */
export function createStaticStripper() {
  let memory: MemoryStatics | undefined;
  const filesystems = new Map<string, FsStatics>();

  function stripMemory(m: MemorySample): Partial<MemorySample> {
    if (memory && memory.totalBytes === m.totalBytes && memory.swapTotalBytes === m.swapTotalBytes) {
      const { totalBytes: _t, swapTotalBytes: _s, ...lean } = m;
      return lean;
    }
    memory = { totalBytes: m.totalBytes, swapTotalBytes: m.swapTotalBytes };
    return m;
  }

  function stripFs(fs: FilesystemSample): Partial<FilesystemSample> {
    const { device, fsType, sizeBytes, inodesTotal, ...lean } = fs;
    const statics: FsStatics = {
      device,
      fsType,
      sizeBytes,
      ...(inodesTotal !== undefined && { inodesTotal }),
    };
    const known = filesystems.get(fs.mount);
    if (known && sameFs(known, statics)) return lean;
    filesystems.set(fs.mount, statics);
    return fs;
  }

  return {
    /** The sample as it goes on the wire (a plain object for JSON, no longer a `Sample`). */
    strip(sample: Sample): object {
      if (!sample.memory && !sample.filesystems) return sample;
      return {
        ...sample,
        ...(sample.memory && { memory: stripMemory(sample.memory) }),
        ...(sample.filesystems && { filesystems: sample.filesystems.map(stripFs) }),
      };
    },
  };
}
export type StaticStripper = ReturnType<typeof createStaticStripper>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The hub's side, one per connection: fills lean sections of a parsed (not yet validated)
 * `metrics` message in place from the last full ones, and remembers the full ones. It trusts
 * nothing: what it fills is validated with the rest, and a lean section with nothing carried
 * stays lean and fails validation. At most `maxListItems` mounts are carried.
 * An agent whose hello announced SAMPLE_DELTA_CAPABILITY writes whole samples as changes
 * (decision 0033): from that hello on, its samples are rebuilt by sample-delta-expand.ts instead.
 */
export function createStaticCarry(): StaticCarry {
  return new StaticCarry();
}

/**
 * A class, so every connection shares its methods and holds only what it carries; the mounts'
 * map is made with the first filesystem (a connection writing changes never needs it).
 */
class StaticCarry {
  private delta: MetricsDeltaDecoder | undefined;
  private memory: Record<string, unknown> | undefined;
  private filesystems: Map<unknown, Record<string, unknown>> | undefined;

  /** Put carried statics back into the lean sections of `json` if it is a metrics message. */
  fill(json: unknown): void {
    if (!isRecord(json)) return;
    if (json.type === 'hello') {
      const capabilities = json.capabilities;
      if (Array.isArray(capabilities) && capabilities.includes(SAMPLE_DELTA_CAPABILITY))
        this.delta ??= createMetricsDeltaDecoder();
      return;
    }
    if (json.type !== 'metrics') return;
    if (this.delta) {
      this.delta.fill(json);
      return;
    }
    if (!Array.isArray(json.samples)) return;
    for (const sample of json.samples) {
      if (!isRecord(sample)) continue;
      if (isRecord(sample.memory)) this.memoryOf(sample.memory);
      if (!Array.isArray(sample.filesystems)) continue;
      for (const fs of sample.filesystems) if (isRecord(fs)) this.filesystemOf(fs);
    }
  }

  private memoryOf(m: Record<string, unknown>): void {
    if (m.totalBytes !== undefined)
      this.memory = { totalBytes: m.totalBytes, swapTotalBytes: m.swapTotalBytes };
    else if (this.memory) Object.assign(m, this.memory);
  }

  private filesystemOf(fs: Record<string, unknown>): void {
    if (fs.device !== undefined) {
      this.filesystems ??= new Map();
      const filesystems = this.filesystems;
      if (filesystems.size >= LIMITS.maxListItems && !filesystems.has(fs.mount)) return;
      const statics: Record<string, unknown> = {
        device: fs.device,
        fsType: fs.fsType,
        sizeBytes: fs.sizeBytes,
      };
      if (fs.inodesTotal !== undefined) statics.inodesTotal = fs.inodesTotal;
      filesystems.set(fs.mount, statics);
      return;
    }
    const known = this.filesystems?.get(fs.mount);
    if (known) Object.assign(fs, known);
  }
}

export type { StaticCarry };
