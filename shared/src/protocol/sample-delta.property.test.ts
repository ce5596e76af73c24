import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MetricsMessage } from './agent/metrics.js';
import type { Sample } from './sample.js';
import { createMetricsDeltaEncoder } from './sample-delta-encode.js';
import { createMetricsDeltaDecoder } from './sample-delta-expand.js';

// Samples as changes (decision 0033): whatever sequence of samples an agent writes on one
// connection, the hub rebuilds each exactly. Values come from small sets so that consecutive
// samples repeat, move a little, satisfy or break the predictions (available = total − used, a
// mount's free space moving against its used space, percentages from part and whole, uptime
// advancing with the clock), and lists keep, reorder, drop, duplicate or gain items.

const pick = <T>(...values: T[]) => fc.constantFrom(...values);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
/** A record whose `undefined` fields are left out, as JSON would. */
const defined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

const pct = pick(0, 0.1, 12.5, 50, 99.9, 100);
const bytes = pick(0, 4096, 1e9, 2e9, 8e9);

const memory = fc
  .record({ totalBytes: pick(8e9, 16e9), usedBytes: pick(0, 1e9, 2e9), skew: pick(0, 0, 4096) })
  .chain(({ totalBytes, usedBytes, skew }) =>
    fc.record({
      totalBytes: fc.constant(totalBytes),
      usedBytes: fc.constant(usedBytes),
      availableBytes: fc.constant(totalBytes - usedBytes - skew),
      usedPct: pick(Math.round((usedBytes / totalBytes) * 1000) / 10, 12.5),
      swapTotalBytes: pick(0, 2e9),
      swapUsedBytes: fc.constant(0),
      swapUsedPct: pick(0, 1),
    }),
  );
const filesystem = fc
  .record({
    mount: pick('/', '/var', '/home'),
    device: pick('/dev/sda1', '/dev/sdb1'),
    fsType: pick('ext4', 'xfs'),
    sizeBytes: pick(1e10, 2e10),
    usedBytes: pick(1e9, 1e9 + 4096, 3e9),
    freeBytes: pick(5e9, 5e9 - 4096, 6e9),
    usedPct: pct,
    inodes: maybe(
      fc.record({ inodesTotal: pick(1000, 2000), inodesUsed: pick(10, 20), inodesUsedPct: pick(1, 2, 0.5) }),
    ),
  })
  .map(({ inodes, ...fs }) => ({ ...fs, ...inodes }));
const diskIo = fc
  .record({
    device: pick('sda', 'sdb'),
    readBytesPerSec: pick(0, 1024),
    writeBytesPerSec: pick(0, 2048),
    readOpsPerSec: pick(0, 1.5),
    writeOpsPerSec: pick(0, 3),
    busyPct: maybe(pct),
  })
  .map(defined);
const network = fc.record({
  iface: pick('eth0', 'lo'),
  rxBytesPerSec: pick(0, 10),
  txBytesPerSec: pick(0, 10),
  rxErrors: pick(0, 1),
  txErrors: fc.constant(0),
  rxDropped: pick(0, 2),
  txDropped: fc.constant(0),
});
const processInfo = fc
  .record({
    pid: pick(1, 2, 3, 4, 5),
    name: pick('init', 'sshd', ''),
    user: maybe(pick('root', 'www')),
    cpuPct: pick(0, 0.5, 150),
    memBytes: bytes,
  })
  .map(defined);
const processes = fc
  .record({
    total: pick(100, 101),
    running: pick(1, 2),
    blocked: maybe(pick(0, 1)),
    topByCpu: maybe(fc.array(processInfo, { maxLength: 4 })),
    topByMemory: maybe(fc.array(processInfo, { maxLength: 4 })),
  })
  .map(defined);

const section = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 6 });
const sampleAt = (at: number) =>
  fc
    .record({
      cpu: section(
        fc
          .record({
            perCorePct: fc.array(pct, { maxLength: 3 }),
            usagePct: pct,
            iowaitPct: maybe(pct),
            load: maybe(fc.tuple(pick(0.5, 1), pick(0.5, 1), pick(0.5))),
          })
          .map(defined),
      ),
      memory: section(memory),
      filesystems: section(fc.array(filesystem, { maxLength: 4 })),
      diskIo: section(fc.array(diskIo, { maxLength: 2 })),
      network: section(fc.array(network, { maxLength: 2 })),
      temperatures: section(fc.array(fc.record({ sensor: pick('cpu', 'gpu'), celsius: pick(40, 41.5) }))),
      uptime: section(fc.record({ bootTime: pick(1e12, 2e12), uptimeSec: pick(100, 110, 120, 110.5) })),
      processes: section(processes),
      services: section(
        fc.array(fc.record({ name: pick('ssh', 'nginx'), state: pick('running', 'stopped') })),
      ),
    })
    .map((sections) => defined({ at, ...sections }) as Sample);

/** A connection's samples: increasing times, 10 s apart give or take. */
const samples = fc
  .array(pick(9_990, 10_000, 10_004, 20_000), { minLength: 1, maxLength: 10 })
  .chain((steps) => {
    const times = steps.map((_, i) => 1_700_000_000_000 + steps.slice(0, i + 1).reduce((a, b) => a + b, 0));
    return fc.tuple(...times.map(sampleAt));
  });

const message = (seq: number, bootId: string, batch: Sample[]): MetricsMessage => ({
  type: 'metrics',
  bootId,
  seq,
  samples: batch,
});

/** Each message through the agent's encoder, JSON on the wire, and the hub's decoder. */
function throughTheWire(messages: MetricsMessage[]): { read: unknown[]; bytes: number[] } {
  const encoder = createMetricsDeltaEncoder();
  const decoder = createMetricsDeltaDecoder();
  const bytes: number[] = [];
  const read = messages.map((m) => {
    const frame = JSON.stringify(encoder.encode(m));
    bytes.push(frame.length);
    const json = JSON.parse(frame) as Record<string, unknown>;
    decoder.fill(json);
    return json;
  });
  return { read, bytes };
}

describe('samples as changes', () => {
  it('rebuilds every sample of any sequence written on one connection', () => {
    fc.assert(
      fc.property(samples, (list) => {
        const messages = list.map((s, i) => message(i + 1, 'boot_delta_1', [s]));
        expect(throughTheWire(messages).read).toEqual(messages);
      }),
      { numRuns: 400 },
    );
  });

  it('rebuilds batches of several samples and messages of several boots', () => {
    fc.assert(
      fc.property(
        samples,
        fc.array(pick(1, 2, 3), { maxLength: 5 }),
        fc.array(fc.boolean()),
        (list, sizes, boots) => {
          const messages: MetricsMessage[] = [];
          let rest = list;
          for (const [i, size] of sizes.entries()) {
            if (rest.length === 0) break;
            messages.push(message(i + 1, boots[i] ? 'boot_delta_2' : 'boot_delta_1', rest.slice(0, size)));
            rest = rest.slice(size);
          }
          expect(throughTheWire(messages).read).toEqual(messages);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes a repeated sample in a fraction of its size, and the first one whole', () => {
    const full: Sample = {
      at: 1_700_000_000_000,
      cpu: { usagePct: 12.5, perCorePct: [12.5, 12.5] },
      memory: {
        totalBytes: 8e9,
        usedBytes: 1e9,
        availableBytes: 7e9,
        usedPct: 12.5,
        swapTotalBytes: 0,
        swapUsedBytes: 0,
        swapUsedPct: 0,
      },
      network: [
        {
          iface: 'eth0',
          rxBytesPerSec: 0,
          txBytesPerSec: 0,
          rxErrors: 0,
          txErrors: 0,
          rxDropped: 0,
          txDropped: 0,
        },
      ],
      uptime: { bootTime: 1_699_999_000_000, uptimeSec: 1000 },
    };
    const next: Sample = {
      ...full,
      at: full.at + 10_000,
      uptime: { bootTime: 1_699_999_000_000, uptimeSec: 1010 },
    };
    const { read, bytes } = throughTheWire([
      message(1, 'boot_delta_1', [full]),
      message(2, 'boot_delta_1', [next]),
    ]);
    expect(bytes[0]).toBe(JSON.stringify(message(1, 'boot_delta_1', [full])).length);
    expect(bytes[1]).toBe(JSON.stringify({ type: 'metrics', seq: 2, samples: [{ at: next.at }] }).length);
    expect(read[1]).toEqual(message(2, 'boot_delta_1', [next]));
  });
});
