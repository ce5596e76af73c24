import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectPlainAgreesWithZod, mutantsOf, nudgedCopies } from './__fixtures__/plain-vs-zod.js';
import { softwareSchema } from './agent/inventory.js';
import { agentMessageSchema } from './messages.js';
import { isPlainValidAgentEvent, isPlainValidSoftware } from './plain-agent-events.js';

// (Generous timeouts: the machine running the suite may be loaded.)
// The hand-written checks of the events an agent queues (plain-agent-events.ts) against
// agentMessageSchema, the schema of record: never accept what zod refuses or would change, and
// agree with zod wherever no unknown key was added.

const envelope = {
  bootId: fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9_-]{8,20}$/),
    fc.constantFrom('a'.repeat(8), 'a'.repeat(64)),
  ),
  seq: fc.oneof(fc.integer({ min: 1, max: 1e9 }), fc.constantFrom(1, Number.MAX_SAFE_INTEGER)),
};
const epochMs = fc.oneof(fc.integer({ min: 0, max: 2e12 }), fc.constantFrom(0, 8.64e15));
const name = fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom('x', 'n'.repeat(256)));
const state = fc.constantFrom('ok', 'warning', 'critical');
const nullableNumber = fc.oneof(fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }));
const factValue = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const facts = fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), factValue, { maxKeys: 3 });
const software = fc.record(
  {
    name,
    version: fc.string({ maxLength: 6 }),
    publisher: fc.string({ maxLength: 6 }),
    installedAt: epochMs,
    source: name,
  },
  { requiredKeys: ['name', 'version', 'source'] },
);
const inventory = fc
  .record(
    {
      type: fc.constant('inventory'),
      ...envelope,
      at: epochMs,
      hash: fc.oneof(fc.stringMatching(/^[0-9a-f]{8,64}$/), fc.constantFrom('h'.repeat(8), 'h'.repeat(128))),
      chunk: fc.integer({ min: 0, max: 98 }),
      chunks: fc.constantFrom(1, 2, 99, 100),
      hardware: facts,
      os: facts,
      cpu: facts,
      updates: facts,
      antivirus: facts,
      memoryModules: fc.array(facts, { maxLength: 2 }),
      disks: fc.array(facts, { maxLength: 2 }),
      networkInterfaces: fc.array(facts, { maxLength: 2 }),
      software: fc.array(software, { maxLength: 3 }),
    },
    { requiredKeys: ['type', 'bootId', 'seq', 'at', 'hash', 'chunk', 'chunks'] },
  )
  .map((m) => ({ ...m, chunk: Math.min(m.chunk, m.chunks - 1) }));
const checkState = fc.record(
  {
    type: fc.constant('checkState'),
    ...envelope,
    at: epochMs,
    check: name,
    resource: fc.string({ maxLength: 8 }),
    state,
    previous: state,
    value: nullableNumber,
    threshold: nullableNumber,
    message: fc.string({ maxLength: 8 }),
  },
  { requiredKeys: ['type', 'bootId', 'seq', 'at', 'check', 'state', 'previous', 'value', 'threshold'] },
);
const checkSnapshot = fc.record({
  type: fc.constant('checkSnapshot'),
  ...envelope,
  at: epochMs,
  complete: fc.constant(true),
  checks: fc.array(
    fc.record(
      {
        check: name,
        resource: fc.string({ maxLength: 8 }),
        state: fc.constantFrom('ok', 'pending', 'warning', 'critical'),
        observedAt: epochMs,
        value: nullableNumber,
        threshold: nullableNumber,
        message: fc.oneof(fc.string({ maxLength: 8 }), fc.constant('m'.repeat(512))),
      },
      { requiredKeys: ['check', 'state', 'observedAt', 'value', 'threshold'] },
    ),
    { maxLength: 3 },
  ),
});
const metricsGap = fc
  .record({
    type: fc.constant('metricsGap'),
    ...envelope,
    from: epochMs,
    to: epochMs,
    count: fc.constantFrom(1, 6, 1e6),
  })
  .map((g) => ({ ...g, from: Math.min(g.from, g.to), to: Math.max(g.from, g.to) }));
const event = fc.oneof(inventory, checkState, checkSnapshot, metricsGap);

describe('isPlainValidAgentEvent against agentMessageSchema', () => {
  it('accepts every generated valid event, as zod does, unchanged', () => {
    fc.assert(
      fc.property(event, (m) => {
        const json = JSON.stringify(m);
        expect(isPlainValidAgentEvent(JSON.parse(json))).toBe(true);
        expectPlainAgreesWithZod(isPlainValidAgentEvent, agentMessageSchema, json, {
          unknownKey: false,
          exact: true,
        });
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('agrees with zod on mutated events, and never accepts what zod would refuse or change', () => {
    fc.assert(
      fc.property(mutantsOf(event), ({ json, unknownKey }) =>
        expectPlainAgreesWithZod(isPlainValidAgentEvent, agentMessageSchema, json, {
          unknownKey,
          exact: true,
        }),
      ),
      { numRuns: 3000 },
    );
  }, 120_000);

  it('agrees with zod on every leaf of a valid event moved just past where it was (bounds)', () => {
    fc.assert(
      fc.property(event, (m) => {
        for (const json of nudgedCopies(m))
          expectPlainAgreesWithZod(isPlainValidAgentEvent, agentMessageSchema, json, {
            unknownKey: false,
            exact: true,
          });
      }),
      { numRuns: 200 },
    );
  }, 120_000);

  it('leaves the other messages to zod', () => {
    for (const type of ['hello', 'metrics', 'probeResult', 'remediationResult', 'credentialSaved'])
      expect(isPlainValidAgentEvent({ type })).toBe(false);
  });
});

describe('isPlainValidSoftware against softwareSchema', () => {
  it('agrees with zod on valid, mutated and nudged entries', () => {
    fc.assert(
      fc.property(mutantsOf(software), ({ json, unknownKey }) =>
        expectPlainAgreesWithZod(isPlainValidSoftware, softwareSchema, json, { unknownKey, exact: true }),
      ),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(software, (entry) => {
        for (const json of nudgedCopies(entry))
          expectPlainAgreesWithZod(isPlainValidSoftware, softwareSchema, json, {
            unknownKey: false,
            exact: true,
          });
      }),
      { numRuns: 200 },
    );
  }, 120_000);
});
