import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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

// A mutation: one value somewhere in the message replaced by something else, a key dropped, or a
// key added. `unknownKey` tells whether the frame gained a key zod would strip.
type Path = (string | number)[];
function leaves(value: unknown, path: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [path];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [path, ...entries.flatMap(([key, v]) => leaves(v, [...path, key]))];
}
const odd = fc.oneof(
  fc.constantFrom(null, true, '', 'x', -1, 0, 1.5, 101, 2 ** 61, 1e16, 9e15, [], {}, [1, 2, 3, 4]),
  fc.string({ maxLength: 3 }),
  fc.double(),
  fc.integer(),
);
const mutated = fc
  .tuple(
    message,
    fc.nat(),
    fc.constantFrom('replace', 'drop', 'add'),
    odd,
    fc.constantFrom('extra', 'toString', '__proto__'),
  )
  .map(([original, pick, kind, replacement, extraKey]) => {
    const copy = JSON.parse(JSON.stringify(original)) as Record<string, unknown>;
    const paths = leaves(copy);
    const path = paths[pick % paths.length]!;
    let unknownKey = false;
    if (path.length === 0) return { frame: JSON.stringify(replacement), unknownKey };
    const parent = path
      .slice(0, -1)
      .reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], copy) as Record<
      string | number,
      unknown
    >;
    const key = path.at(-1)!;
    if (kind === 'replace') parent[key] = replacement;
    else if (kind === 'drop') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else {
      const target = parent[key];
      if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
        // JSON.parse makes `__proto__` an own key, as a hostile frame would.
        const text = JSON.stringify(target).replace(
          /^\{/,
          `{"${extraKey}":1${Object.keys(target).length > 0 ? ',' : ''}`,
        );
        parent[key] = JSON.parse(text);
        unknownKey = true;
      } else parent[key] = replacement;
    }
    return { frame: JSON.stringify(copy), unknownKey };
  });

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
      fc.property(mutated, ({ frame, unknownKey }) => {
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
