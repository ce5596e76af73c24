import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHECK_RULES } from '../checks/default-rules.js';
import { policySchema } from '../policy/policy.js';
import { expectPlainAgreesWithZod, mutantsOf, nudgedCopies } from './__fixtures__/plain-vs-zod.js';
import { decodeHubMessage } from './codec.js';
import { hubMessageSchema } from './messages.js';
import { decodeHubMessagePlainFirst } from './plain-codec.js';
import { isPlainValidHubMessage, isPlainValidPolicy } from './plain-hub-messages.js';

// (Generous timeouts: the machine running the suite may be loaded.)
// The hand-written checks of what a hub sends (plain-hub-messages.ts) against hubMessageSchema and
// policySchema, the schemas of record: never accept what zod refuses or would change, and agree
// with zod wherever no unknown key was added.

const ID = /^[A-Za-z0-9_-]{8,20}$/;
const name = fc.string({ minLength: 1, maxLength: 8 });
const epochMs = fc.oneof(fc.integer({ min: 0, max: 2e12 }), fc.constant(8.64e15));
const seconds = fc.oneof(fc.integer({ min: 0, max: 7 * 86_400 }), fc.constantFrom(0, 7 * 86_400));
const resources = fc.record({
  include: fc.array(name, { maxLength: 2 }),
  exclude: fc.array(name, { maxLength: 2 }),
});
const rule = fc
  .tuple(
    fc.constantFrom(...DEFAULT_CHECK_RULES),
    fc.option(resources, { nil: undefined }),
    seconds,
    fc.boolean(),
  )
  .map(([base, res, forSec, enabled]) => ({ ...base, enabled, forSec, ...(res && { resources: res }) }));
const policy = fc.record(
  {
    revision: fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER)),
    metricsIntervalSec: fc.integer({ min: 1, max: 3600 }),
    processesIntervalSec: fc.integer({ min: 5, max: 86_400 }),
    inventoryCron: fc.constantFrom('17 3 * * *', '*/5 * * * * *'),
    services: fc.array(name, { maxLength: 3 }),
    checks: fc.array(rule, { maxLength: 4 }),
    autoUpdate: fc.boolean(),
  },
  { requiredKeys: ['revision', 'metricsIntervalSec', 'processesIntervalSec', 'inventoryCron', 'services'] },
);
const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));
const artefact = fc.record({
  name: fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/),
  kind: fc.constantFrom('script', 'binary'),
  platform: fc.constantFrom('any', 'linux'),
  arch: fc.constantFrom('any', 'x64'),
  url: fc.stringMatching(/^\/downloads\/[A-Za-z0-9._-]{1,20}$/),
  size: fc.integer({ min: 1, max: 256 * 1024 * 1024 }),
  sha256: hex(64),
  signature: fc.stringMatching(/^[A-Za-z0-9_-]{86}$/),
});
const welcome = fc.record(
  {
    type: fc.constant('welcome'),
    protocolVersion: fc.integer({ min: 1, max: 3 }),
    hostId: fc.stringMatching(/^[a-z0-9-]{1,64}$/),
    serverTime: epochMs,
    ackedSeq: fc.nat(),
    policy,
    agentUpdate: fc.record({
      version: fc.constantFrom('0.1.0', '1.2.3-rc.1'),
      artefacts: fc.array(artefact, { maxLength: 2 }),
    }),
    capabilities: fc.array(fc.constantFrom('checkSnapshot', 'staticOnChange', 'remediation'), {
      maxLength: 3,
    }),
  },
  { requiredKeys: ['type', 'protocolVersion', 'hostId', 'serverTime', 'ackedSeq', 'policy'] },
);
const ack = fc.record({
  type: fc.constant('ack'),
  bootId: fc.stringMatching(ID),
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
});
const error = fc.record(
  {
    type: fc.constant('error'),
    code: fc.constantFrom('SCHEMA_VIOLATION', 'X'),
    message: fc.string({ maxLength: 20 }),
    seq: fc.nat(),
  },
  { requiredKeys: ['type', 'code', 'message'] },
);
const credential = fc.record({
  type: fc.constant('credential'),
  agentId: fc.stringMatching(ID),
  secret: fc.string({ minLength: 16, maxLength: 40 }),
  previousValidUntil: epochMs,
});
const common = {
  id: fc.stringMatching(/^[A-Za-z0-9_-]{1,10}$/),
  intervalSec: fc.integer({ min: 1, max: 600 }),
  timeoutMs: fc.integer({ min: 50, max: 60_000 }),
};
const host = fc.constantFrom('10.0.0.1', 'nas.lan', 'fd00::1', 'printer');
const probe = fc.oneof(
  fc.record({
    kind: fc.constant('ping'),
    ...common,
    host,
    count: fc.integer({ min: 1, max: 10 }),
    fallbackPort: fc.constant(443),
  }),
  fc.record({ kind: fc.constant('tcp'), ...common, host, port: fc.constantFrom(1, 80, 65_535) }),
  fc.record(
    {
      kind: fc.constant('http'),
      ...common,
      url: fc.constantFrom('http://nas.lan/', 'https://10.0.0.1:8443/health', 'https://[fd00::1]/'),
      expectStatus: fc.array(fc.integer({ min: 100, max: 599 }), { maxLength: 2 }),
      bodyMatch: fc.constant('ok'),
      tlsVerify: fc.boolean(),
    },
    { requiredKeys: ['kind', 'id', 'intervalSec', 'timeoutMs', 'url', 'expectStatus', 'tlsVerify'] },
  ),
  fc.record(
    { kind: fc.constant('tls'), ...common, host, port: fc.constant(443), servername: fc.constant('nas.lan') },
    { requiredKeys: ['kind', 'id', 'intervalSec', 'timeoutMs', 'host', 'port'] },
  ),
  fc.record(
    {
      kind: fc.constant('dns'),
      ...common,
      query: fc.constantFrom('nas.lan', 'example.com.'),
      recordType: fc.constantFrom('A', 'AAAA'),
      server: fc.record({ host: fc.constantFrom('10.0.0.53', '::1'), port: fc.constant(53) }),
      expect: fc.array(fc.constantFrom('10.0.0.1', 'fd00::2'), { maxLength: 2 }),
    },
    { requiredKeys: ['kind', 'id', 'intervalSec', 'timeoutMs', 'query', 'recordType', 'expect'] },
  ),
);
const probes = fc.record({
  type: fc.constant('probes'),
  allow: fc.array(
    fc.constantFrom('10.0.0.0/8', 'fd00::/8', '10.0.0.1', 'nas.lan', '*.corp.example', 'printer'),
    {
      maxLength: 3,
    },
  ),
  probes: fc.array(probe, { maxLength: 3 }),
});
const message = fc.oneof(
  welcome,
  ack,
  fc.record({ type: fc.constant('policy'), policy }),
  error,
  credential,
  probes,
);

describe('isPlainValidHubMessage against hubMessageSchema', () => {
  it('accepts every generated valid message, as zod does, unchanged', () => {
    fc.assert(
      fc.property(message, (m) => {
        const json = JSON.stringify(m);
        expect(isPlainValidHubMessage(JSON.parse(json))).toBe(true);
        expectPlainAgreesWithZod(isPlainValidHubMessage, hubMessageSchema, json, {
          unknownKey: false,
          exact: true,
        });
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('agrees with zod on mutated messages, and never accepts what zod would refuse or change', () => {
    fc.assert(
      fc.property(mutantsOf(message), ({ json, unknownKey }) =>
        expectPlainAgreesWithZod(isPlainValidHubMessage, hubMessageSchema, json, { unknownKey, exact: true }),
      ),
      { numRuns: 3000 },
    );
  }, 120_000);

  it('agrees with zod on every leaf of a valid message moved just past where it was (bounds)', () => {
    fc.assert(
      fc.property(message, (m) => {
        for (const json of nudgedCopies(m))
          expectPlainAgreesWithZod(isPlainValidHubMessage, hubMessageSchema, json, {
            unknownKey: false,
            exact: true,
          });
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('leaves to zod a rule of a kind only the hub evaluates (zod drops it) and a remediate message', () => {
    const hubRule = { ...DEFAULT_CHECK_RULES[0], kind: 'host.silent' };
    const base = {
      revision: 1,
      metricsIntervalSec: 10,
      processesIntervalSec: 60,
      inventoryCron: '17 3 * * *',
      services: [],
    };
    expect(isPlainValidPolicy({ ...base, checks: [hubRule] })).toBe(false);
    expect(policySchema.parse({ ...base, checks: [hubRule] }).checks).toEqual([]);
    expect(isPlainValidHubMessage({ type: 'remediate' })).toBe(false);
  });
});

describe('isPlainValidPolicy against policySchema', () => {
  it('agrees with zod on valid and mutated policies', () => {
    fc.assert(
      fc.property(mutantsOf(policy), ({ json, unknownKey }) =>
        expectPlainAgreesWithZod(isPlainValidPolicy, policySchema, json, { unknownKey, exact: true }),
      ),
      { numRuns: 2000 },
    );
  }, 120_000);
});

describe('decodeHubMessagePlainFirst', () => {
  it('decodes every frame as decodeHubMessage does: same value, or same error code and detail', () => {
    const frames = fc.oneof(
      message.map((m) => JSON.stringify(m)),
      mutantsOf(message).map((m) => m.json),
      fc.constantFrom('{', '', 'null', `"${'x'.repeat(10)}"`),
    );
    fc.assert(
      fc.property(frames, (frame) => {
        expect(decodeHubMessagePlainFirst(frame)).toEqual(decodeHubMessage(frame));
        expect(decodeHubMessagePlainFirst(Buffer.from(frame))).toEqual(decodeHubMessage(Buffer.from(frame)));
      }),
      { numRuns: 1000 },
    );
  }, 120_000);

  it('refuses an oversized frame with FRAME_TOO_LARGE, as decodeHubMessage does', () => {
    const frame = JSON.stringify({ type: 'error', code: 'X', message: 'y'.repeat(2 * 1024 * 1024) });
    const decoded = decodeHubMessagePlainFirst(frame);
    expect(decoded.ok).toBe(false);
    expect(decoded).toEqual(decodeHubMessage(frame));
    if (!decoded.ok) expect(decoded.error.code).toBe('FRAME_TOO_LARGE');
  });
});
