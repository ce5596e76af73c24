import { helloNonce, policySchema } from '@vigie/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootRecordSchema, isPlainBootRecord } from '../checks/reboot.js';
import { envelope, parseEnvelope } from '../spool/records.js';
import { expectPlainAgreesWithZod, ODD_VALUES, variantsOf } from '../test-support/plain-vs-zod.js';
import { isPlainHelloNonce } from '../transport/hello-proof.js';
import { credentialsSchema, isPlainValidCredentials } from './credential-store.js';

// The hand-written checks of what the agent reads back from its own files and from the hub's
// upgrade response (decision 0039) against their zod schemas: never accept what zod refuses or
// would change, and (where marked exact) accept exactly what zod accepts unchanged.

const credentials = {
  hubUrl: 'https://hub.example:8443/',
  agentId: 'agt_0123456789',
  secret: 's'.repeat(32),
  hostId: 'host-1',
  enrolledAt: '2026-12-08T00:00:00.000Z',
  hubSigningKey: 'k'.repeat(43),
};

describe('isPlainValidCredentials against credentialsSchema', () => {
  it('never accepts what zod refuses or changes; accepts the file as enrolment writes it', () => {
    const urls = [
      'http://10.0.0.1',
      'HTTPS://hub/',
      'https:/hub',
      ' https://hub/',
      'https://hub/\n',
      'ftp://hub/',
      'http://',
    ];
    const dates = [
      '2026-02-29T00:00:00Z',
      '2028-02-29T00:00:00Z',
      '2026-12-08T24:00:00Z',
      '2026-12-08T00:00:00+01:00',
      '2026-12-08T00:00Z',
    ];
    const values = [
      credentials,
      ...variantsOf(credentials),
      ...urls.map((hubUrl) => ({ ...credentials, hubUrl })),
      ...dates.map((enrolledAt) => ({ ...credentials, enrolledAt })),
    ];
    // Not exact: a URL or a date zod accepts may still be left to zod (it decides then).
    for (const value of values)
      expectPlainAgreesWithZod(isPlainValidCredentials, credentialsSchema, value, false);
    expectPlainAgreesWithZod(isPlainValidCredentials, credentialsSchema, credentials, true);
    fc.assert(
      fc.property(fc.webUrl(), fc.date({ noInvalidDate: true }), (hubUrl, date) =>
        expectPlainAgreesWithZod(
          isPlainValidCredentials,
          credentialsSchema,
          { ...credentials, hubUrl, enrolledAt: date.toISOString() },
          false,
        ),
      ),
      { numRuns: 500 },
    );
  });
});

describe('isPlainBootRecord against bootRecordSchema', () => {
  it('agrees exactly', () => {
    const record = { bootTime: 1_765_000_000_000, cleanStop: true };
    for (const value of [record, ...variantsOf(record), ...ODD_VALUES])
      expectPlainAgreesWithZod(isPlainBootRecord, bootRecordSchema, value);
  });
});

describe('parseEnvelope against the spool line schema', () => {
  const records: Record<string, unknown>[] = [
    { k: 'head', v: 1, nextId: 1, snapshot: true },
    { k: 'item', id: 3, at: 1_765_000_000_000, item: { type: 'metrics', sample: { at: 1 } } },
    { k: 'sent', boot: 'boot-1', seq: 2, ids: [1, 2] },
    { k: 'ack', boot: 'boot-1', seq: 0 },
    { k: 'drop', ids: [] },
  ];
  it('answers as zod on every record and its variants: the same record, or none', () => {
    for (const record of records)
      for (const value of [record, ...variantsOf(record)]) {
        const zod = envelope.safeParse(value);
        expect(parseEnvelope(value), JSON.stringify(value)).toEqual(zod.success ? zod.data : undefined);
      }
  });
});

describe('isPlainHelloNonce against helloNonce', () => {
  it('agrees exactly', () => {
    const values = [
      ...ODD_VALUES,
      'A'.repeat(43),
      `${'A'.repeat(42)}=`,
      `${'_-'.repeat(21)}z`,
      'é'.repeat(43),
    ];
    for (const value of values) expectPlainAgreesWithZod(isPlainHelloNonce, helloNonce, value);
    fc.assert(
      fc.property(fc.string({ minLength: 40, maxLength: 46 }), (value) =>
        expectPlainAgreesWithZod(isPlainHelloNonce, helloNonce, value),
      ),
    );
  });
});

describe('isPlainValidPolicy is the one the agent reads its saved policy with', () => {
  it('is checked against policySchema in shared (plain-hub-messages.property.test.ts)', () => {
    expectPlainAgreesWithZod(() => false, policySchema, {}, false);
  });
});
