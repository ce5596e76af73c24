import { createConnection, createOutbox, hubWebSocketUrl, SILENT_LOG } from '@vigie/agent';
import { createUserWithToken, type RunningHub } from '@vigie/hub';
import { type EnrolResponse, LIMITS, PROTOCOL_VERSION, sampleSchema } from '@vigie/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolInProcess, startInProcessHub, TEST_OS } from '../support/in-process-hub.js';
import { helloFor, openRawAgent } from '../support/raw-agent.js';

// Property suite against a real hub socket (in-process, SQLite in memory, port 0 on 127.0.0.1):
// whatever one agent sends, the hub closes with an application code (or 1009), stores only what
// it acknowledged, pollutes no prototype, and keeps serving a well-behaved agent meanwhile.

const OS = TEST_OS;
const RUNS = 300;

let hub: RunningHub;
let fuzzed: EnrolResponse;
let polite: EnrolResponse;
let adminToken: string;

const enrolOne = (hostname: string, fingerprint?: string): Promise<EnrolResponse> =>
  enrolInProcess(hub, hostname, fingerprint);

async function samplesOf(hostId: string): Promise<number> {
  const row = await hub.deps.db
    .selectFrom('samples')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('host_id', '=', hostId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const validMetrics = (seq: number) => ({
  type: 'metrics',
  bootId: `boot_fuzz_${String(seq).padStart(6, '0')}`,
  seq: 1,
  samples: [{ at: 1_764_000_000_000 + seq }],
});

const special = fc.constantFrom<unknown>(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -1,
  1e308,
  8.64e15 + 1,
  '',
  '\u0000',
  '\u202e\ud83d\ude00',
  null,
  true,
  [],
  {},
  { __proto__: { polluted: 1 } },
);

/** A frame: random JSON, a mutated valid message, a huge string, deep nesting, hostile keys, binary. */
const frame: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc
    .tuple(
      fc.integer({ min: 1, max: 999_999 }),
      fc.constantFrom('type', 'bootId', 'seq', 'samples', 'extra'),
      fc.oneof(fc.jsonValue(), special),
    )
    .map(([seq, key, value]) => {
      // NaN and Infinity become null in JSON; a replacer keeps them as bare tokens (invalid JSON).
      const text = JSON.stringify({ ...validMetrics(seq), [key]: value ?? null }, (_k, v: unknown) =>
        typeof v === 'number' && !Number.isFinite(v) ? `@@${v}@@` : v,
      );
      return text.replace(/"@@(NaN|Infinity|-Infinity)@@"/g, '$1');
    }),
  fc
    .integer({ min: 1, max: LIMITS.maxFrameBytes * 2 })
    .map((n) => JSON.stringify({ type: 'metrics', junk: 'x'.repeat(n) })),
  fc.integer({ min: 1, max: 200_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 1, max: 5_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom(
    '{"__proto__":{"polluted":1},"type":"metrics","bootId":"boot_proto_01","seq":1,"samples":[{"at":1}]}',
    '{"constructor":{"prototype":{"polluted":1}},"type":"hello"}',
    '{"type":"metrics","bootId":"boot_proto_02","seq":1,"samples":[{"at":1,"__proto__":{"polluted":1}}]}',
    '{"type":"ack","bootId":"boot_proto_03","seq":1}',
    '\u0000\u0000',
    '',
  ),
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
);

beforeAll(async () => {
  hub = await startInProcessHub();
  const admin = await createUserWithToken(hub.deps, { name: 'admin', role: 'admin' });
  if (!admin.ok) throw new Error('admin');
  adminToken = admin.token;
  fuzzed = await enrolOne('srv-fuzz');
  polite = await enrolOne('srv-polite', 'a1a2a3a4a5a6a7a8a9a0b1b2b3b4b5b6');
});

afterAll(async () => {
  await hub?.close();
});

describe('hostile frames on a live socket', () => {
  it('closes with an application code, stores only what it acknowledged, and keeps serving others', async () => {
    const outbox = createOutbox({ bootId: 'boot_polite_1', clock: Date.now, log: SILENT_LOG });
    const connection = createConnection({
      url: hubWebSocketUrl(hub.url),
      hello: () => ({
        protocolVersion: PROTOCOL_VERSION,
        credential: { agentId: polite.agentId, secret: polite.secret },
        fingerprint: 'a1a2a3a4a5a6a7a8a9a0b1b2b3b4b5b6',
        agentVersion: '0.1.0-fuzz',
        hostname: 'srv-polite',
        os: OS,
      }),
      outbox,
      onEvent: () => {},
      log: SILENT_LOG,
      clock: Date.now,
      random: Math.random,
      backoff: { baseMs: 20, capMs: 200 },
    });
    connection.start();
    let politeSent = 0;
    const acked = new Map<string, number>();
    const codes = new Map<number, number>();

    try {
      await fc.assert(
        fc.asyncProperty(frame, fc.boolean(), async (payload, authenticated) => {
          politeSent += 1;
          outbox.enqueue({ type: 'metrics', sample: { at: 1_764_000_000_000 + politeSent } });
          connection.flush();
          const agent = await openRawAgent(hub.url);
          if (authenticated) {
            agent.send(helloFor(fuzzed, { bootId: 'boot_fuzz_hello' }));
            await agent.next('welcome');
          }
          agent.ws.send(payload);
          // Closed (the hub refused it) or acknowledged (a mutation that is still a valid message).
          let code: number | undefined;
          for (const deadline = Date.now() + 10_000; code === undefined && Date.now() < deadline; ) {
            if (agent.ws.readyState === agent.ws.CLOSED) code = await agent.closed();
            else if (agent.received.some((m) => m.type === 'ack')) {
              agent.ws.close();
              code = 0;
            } else await new Promise((resolve) => setTimeout(resolve, 2));
          }
          if (code === undefined) throw new Error('neither closed nor acknowledged');
          codes.set(code, (codes.get(code) ?? 0) + 1);
          if (code === 0) {
            // Two runs may draw the same (bootId, seq): the second is a replay, stored once.
            const parsed = JSON.parse(String(payload)) as {
              bootId: string;
              seq: number;
              samples?: unknown[];
            };
            // An acknowledged message stores the samples the schema of record admits and that are
            // not stamped too far ahead of the hub; the others are refused one by one (counted).
            const admitted = (parsed.samples ?? []).filter((sample) => {
              const checked = sampleSchema.safeParse(sample);
              return checked.success && checked.data.at <= Date.now() + LIMITS.maxSampleAheadMs;
            });
            acked.set(`${parsed.bootId}/${parsed.seq}`, admitted.length);
            return true;
          }
          return (code >= 4000 && code <= 4999) || code === 1009;
        }),
        { numRuns: RUNS, interruptAfterTimeLimit: 40_000 },
      );
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
      const ackedSamples = [...acked.values()].reduce((sum, n) => sum + n, 0);
      expect(await samplesOf(fuzzed.hostId)).toBe(ackedSamples);
      // The polite agent was served throughout: all it queued is stored.
      const deadline = Date.now() + 10_000;
      while ((await samplesOf(polite.hostId)) < politeSent && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await samplesOf(polite.hostId)).toBe(politeSent);
      const health = await fetch(`${hub.url}/healthz`);
      expect(health.status).toBe(200);
      console.log('[measure] fuzz close codes', Object.fromEntries(codes));
    } finally {
      await connection.close();
    }
  });
});

describe('hostile strings end to end', () => {
  const hostile = [
    "'; DROP TABLE hosts; --",
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    'Robert\u0000Tables',
    '\u202egnp.exe',
    '𝕍𝕚𝕘𝕚𝕖 ✓ — ünïcødé',
    '__proto__',
    'constructor',
  ];

  it('stores hostnames and software names verbatim and returns them verbatim from the API', async () => {
    const headers = { authorization: `Bearer ${adminToken}` };
    for (const [i, name] of hostile.entries()) {
      const agent = await openRawAgent(hub.url);
      agent.send(helloFor(fuzzed, { bootId: `boot_hostile_${i}`, hostname: name }));
      await agent.next('welcome');
      const res = await fetch(`${hub.url}/api/v1/hosts/${fuzzed.hostId}`, { headers });
      expect(((await res.json()) as { host: { hostname: string } }).host.hostname).toBe(name);
      agent.ws.close();
      await agent.closed();
    }
    const agent = await openRawAgent(hub.url);
    agent.send(helloFor(fuzzed, { bootId: 'boot_hostile_inv' }));
    await agent.next('welcome');
    agent.send({
      type: 'inventory',
      bootId: 'boot_hostile_inv',
      seq: 1,
      at: Date.now(),
      hash: 'hostile-inventory-1',
      chunk: 0,
      chunks: 1,
      software: hostile.map((name) => ({ name, version: name, source: 'dpkg' })),
    });
    expect((await agent.next('ack')).seq).toBe(1);
    agent.ws.close();
    const res = await fetch(`${hub.url}/api/v1/hosts/${fuzzed.hostId}/inventory`, { headers });
    const strings = new Set<string>();
    const walk = (value: unknown): void => {
      if (typeof value === 'string') strings.add(value);
      else if (value && typeof value === 'object') for (const inner of Object.values(value)) walk(inner);
    };
    walk(await res.json());
    for (const name of hostile) expect(strings.has(name)).toBe(true);
  });
});
