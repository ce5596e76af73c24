import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutantsOf } from './__fixtures__/plain-vs-zod.js';
import { metricsSchema } from './agent/metrics.js';
import { isPlainValidMetrics } from './fast-metrics.js';

// (Generous timeouts: the machine running the suite may be loaded.)
// The hand validator (fast-metrics.ts) must never accept what zod, the schema of record, refuses,
// nor accept something zod would change (strip); and for what agents really send (no unknown
// key), it must accept exactly what zod accepts. Frames go through JSON, as on the wire.

const pct = fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(0, 100, 12.5));
const bytes = fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.constant(2 ** 60));
const count = fc.integer({ min: 0, max: 1e9 });
const rate = fc.oneof(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.constant(1e15));
const name = fc.string({ minLength: 1, maxLength: 12 });

const memory = fc
  .record({ totalBytes: bytes, usedBytes: bytes, swapTotalBytes: bytes, swapUsedBytes: bytes, pct })
  .map((m) => ({
    totalBytes: Math.max(m.totalBytes, m.usedBytes),
    usedBytes: m.usedBytes,
    availableBytes: Math.max(m.totalBytes, m.usedBytes) - m.usedBytes,
    usedPct: m.pct,
    swapTotalBytes: Math.max(m.swapTotalBytes, m.swapUsedBytes),
    swapUsedBytes: m.swapUsedBytes,
    swapUsedPct: m.pct,
  }));
const filesystem = fc
  .record(
    {
      mount: fc.string({ minLength: 1, maxLength: 20 }),
      device: fc.string({ minLength: 1, maxLength: 20 }),
      fsType: name,
      sizeBytes: bytes,
      used: fc.double({ min: 0, max: 1, noNaN: true }),
      inodesTotal: count,
      inodesUsedPct: pct,
    },
    { requiredKeys: ['mount', 'device', 'fsType', 'sizeBytes', 'used'] },
  )
  .map(({ used, ...f }) => {
    const usedBytes = Math.floor(f.sizeBytes * used);
    return { ...f, usedBytes, freeBytes: f.sizeBytes - usedBytes, usedPct: used * 100 };
  });
const processInfo = fc.record(
  { pid: count, name: fc.string({ maxLength: 8 }), user: name, cpuPct: pct, memBytes: bytes },
  { requiredKeys: ['pid', 'name', 'cpuPct', 'memBytes'] },
);
const sample = fc.record(
  {
    at: fc.integer({ min: 0, max: 2e12 }),
    cpu: fc.record(
      {
        usagePct: pct,
        perCorePct: fc.array(pct, { maxLength: 4 }),
        iowaitPct: pct,
        load: fc.tuple(rate, rate, rate).map((l) => l.map((v) => Math.min(v, 1e6))),
      },
      { requiredKeys: ['usagePct', 'perCorePct'] },
    ),
    memory,
    filesystems: fc.array(filesystem, { maxLength: 3 }),
    diskIo: fc.array(
      fc.record({
        device: name,
        readBytesPerSec: rate,
        writeBytesPerSec: rate,
        readOpsPerSec: rate,
        writeOpsPerSec: rate,
      }),
      { maxLength: 2 },
    ),
    network: fc.array(
      fc.record({
        iface: name,
        rxBytesPerSec: rate,
        txBytesPerSec: rate,
        rxErrors: count,
        txErrors: count,
        rxDropped: count,
        txDropped: count,
      }),
      { maxLength: 2 },
    ),
    temperatures: fc.array(
      fc.record({ sensor: name, celsius: fc.double({ min: -273.15, max: 1000, noNaN: true }) }),
      {
        maxLength: 2,
      },
    ),
    battery: fc.record({ chargePct: pct, charging: fc.boolean(), acConnected: fc.boolean() }),
    uptime: fc.record({
      bootTime: fc.integer({ min: 0, max: 2e12 }),
      uptimeSec: fc.integer({ min: 0, max: 1e9 }),
    }),
    processes: fc.record(
      { total: count, running: count, topByCpu: fc.array(processInfo, { maxLength: 3 }) },
      { requiredKeys: ['total', 'running'] },
    ),
    services: fc.array(fc.record({ name, state: fc.constantFrom('running', 'stopped', 'unknown') }), {
      maxLength: 2,
    }),
  },
  { requiredKeys: ['at'] },
);
const message = fc.record({
  type: fc.constant('metrics'),
  bootId: fc.stringMatching(/^[A-Za-z0-9_-]{8,20}$/),
  seq: fc.integer({ min: 1, max: 1e9 }),
  samples: fc.array(sample, { minLength: 1, maxLength: 3 }),
});

// A mutation (the generator the agent's hand checks are tested with): one value replaced or nudged
// past its bound, a key dropped, or a key added. `unknownKey`: the frame gained a key zod would strip.
const mutated = mutantsOf(message);

describe('isPlainValidMetrics against metricsSchema', () => {
  it('accepts every generated valid message, as zod does, unchanged', () => {
    fc.assert(
      fc.property(message, (m) => {
        const json: unknown = JSON.parse(JSON.stringify(m));
        const zod = metricsSchema.safeParse(json);
        expect(zod.success).toBe(true);
        expect(isPlainValidMetrics(json)).toBe(true);
        expect(zod.data).toEqual(json);
      }),
      { numRuns: 200 },
    );
  }, 120_000);

  it('agrees with zod on mutated messages, and never accepts what zod would refuse or change', () => {
    fc.assert(
      fc.property(mutated, ({ json: frame, unknownKey }) => {
        const fast = isPlainValidMetrics(JSON.parse(frame));
        const zod = metricsSchema.safeParse(JSON.parse(frame));
        if (fast) {
          expect(zod.success).toBe(true);
          expect(zod.data).toEqual(JSON.parse(frame));
        }
        if (!unknownKey) expect(fast).toBe(zod.success);
      }),
      { numRuns: 1000 },
    );
  }, 120_000);
});
