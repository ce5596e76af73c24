import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import {
  type Connection,
  type ConnectionEvent,
  createConnection,
  createTlsFetch,
  enrol,
  hubWebSocketUrl,
  type Log,
  openSpool,
  SILENT_LOG,
  type Spool,
  type SpoolOptions,
} from '@vigie/agent';
import { createEnrolmentToken, createUserWithToken, type RunningHub } from '@vigie/hub';
import { type EnrolResponse, PROTOCOL_VERSION } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrolInProcess, startInProcessHub, TEST_FINGERPRINT, TEST_OS } from '../support/in-process-hub.js';

// In-process: a real hub (SQLite in memory, port 0 on 127.0.0.1) and the agent's real spool and
// connection. Crashes are simulated by dropping a spool without closing it, and by copying its
// files at a chosen instant (what a kill -9 would leave on disk).

const OS = TEST_OS;
const FINGERPRINT = TEST_FINGERPRINT;
const T0 = 1_764_000_000_000;

let dir: string;
let hub: RunningHub;
let credential: EnrolResponse;
const cleanups: Array<() => Promise<void> | void> = [];

/** Polls `condition` until it holds, or fails naming `what` once the deadline passes. */
async function pollUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function startTestHub(overrides: { tlsCert?: string; tlsKey?: string } = {}): Promise<RunningHub> {
  const hub = await startInProcessHub(overrides);
  cleanups.push(() => hub.close());
  return hub;
}

const enrolOne = (target: RunningHub): Promise<EnrolResponse> => enrolInProcess(target, 'srv-spool-01');

function spool(bootId: string, options: Partial<SpoolOptions> = {}, spoolDir = join(dir, 'spool')): Spool {
  const opened = openSpool({ dir: spoolDir, bootId, log: SILENT_LOG, clock: Date.now, ...options });
  if (!opened.ok) throw new Error(opened.message);
  return opened.spool;
}

function connect(
  target: RunningHub,
  outbox: Spool['outbox'],
  extra: { ca?: string[]; log?: Log; onEvent?: (event: ConnectionEvent) => void } = {},
): Connection {
  const connection = createConnection({
    url: hubWebSocketUrl(target.url),
    hello: () => ({
      protocolVersion: PROTOCOL_VERSION,
      credential: { agentId: credential.agentId, secret: credential.secret },
      fingerprint: FINGERPRINT,
      agentVersion: '0.1.0-e2e',
      hostname: 'srv-spool-01',
      os: OS,
    }),
    outbox,
    onEvent: extra.onEvent ?? (() => {}),
    log: extra.log ?? SILENT_LOG,
    clock: Date.now,
    random: Math.random,
    backoff: { baseMs: 20, capMs: 200 },
    ...(extra.ca && { ca: extra.ca }),
  });
  cleanups.push(() => connection.close());
  connection.start();
  return connection;
}

async function count(table: 'samples' | 'check_states' | 'metric_gaps', target = hub): Promise<number> {
  const row = await target.deps.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const sample = (i: number) => ({ type: 'metrics', sample: { at: T0 + i * 10_000 } }) as const;
const check = (at: number) =>
  ({
    type: 'checkState',
    at,
    check: 'fs.usage',
    resource: '/var',
    state: 'critical',
    previous: 'ok',
    value: 97,
    threshold: 95,
  }) as const;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-delivery-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('delivery through the spool', () => {
  beforeEach(async () => {
    hub = await startTestHub();
    credential = await enrolOne(hub);
  });

  it('resends after a crash what the hub had not acknowledged, and stores it once', async () => {
    const first = spool('boot_crash_0001');
    for (let i = 1; i <= 30; i += 1) first.outbox.enqueue(sample(i));
    first.outbox.enqueue(check(T0));
    first.outbox.takeSendable();
    // What kill -9 would leave on disk now: messages with a seq, no ack yet.
    cpSync(join(dir, 'spool'), join(dir, 'spool-at-crash'), { recursive: true });
    connect(hub, first.outbox);
    await pollUntil(
      async () => (await count('samples')) === 30 && first.outbox.stats().inFlight === 0,
      'first delivery',
    );
    // The agent died before writing the acks: the restarted one has everything to resend.
    const restarted = spool('boot_crash_0002', {}, join(dir, 'spool-at-crash'));
    expect(restarted.recovered.sent).toBeGreaterThan(0);
    restarted.outbox.enqueue(sample(31));
    const connection = connect(hub, restarted.outbox);
    await pollUntil(
      async () => restarted.outbox.stats().inFlight === 0 && (await count('samples')) === 31,
      'resend',
    );
    await connection.close();
    expect(await count('samples')).toBe(31);
    expect(await count('check_states')).toBe(1);
    restarted.close();
  });

  it('drops the oldest samples over the bound, and the hub stores one gap the API shows; no event is lost', async () => {
    const small = spool('boot_overflow_1', {
      limits: { maxBytes: 64 * 1024, softMaxBytes: 4 * 1024, maxAgeMs: 1e12 },
    });
    const perSample = Buffer.byteLength(JSON.stringify(sample(1).sample));
    for (let i = 1; i <= 1000; i += 1) {
      small.outbox.enqueue(sample(i));
      if (i % 100 === 0) small.outbox.enqueue(check(T0 + i));
    }
    const dropped = small.outbox.stats().dropped;
    expect(dropped).toBeGreaterThan(1000 - (4 * 1024) / perSample);
    connect(hub, small.outbox);
    await pollUntil(
      async () =>
        (await count('metric_gaps')) === 1 &&
        small.outbox.stats().queued === 0 &&
        small.outbox.stats().inFlight === 0,
      'gap stored',
    );
    expect(await count('samples')).toBe(1000 - dropped);
    expect(await count('check_states')).toBe(10);
    const user = await createUserWithToken(hub.deps, { name: 'lecteur', role: 'readonly' });
    if (!user.ok) throw new Error('user');
    const res = await fetch(`${hub.url}/api/v1/hosts/${credential.hostId}/gaps?from=0`, {
      headers: { authorization: `Bearer ${user.token}` },
    });
    const body = (await res.json()) as { metricGaps: Array<{ from: number; to: number; count: number }> };
    expect(body.metricGaps).toEqual([
      expect.objectContaining({ from: T0 + 10_000, to: T0 + dropped * 10_000, count: dropped }),
    ]);
    small.close();
  });

  it('acks a fresh checkState before a backlog of 600 samples has drained', async () => {
    const backlog = spool('boot_backlog_01', { maxBatchSamples: 20, drainRatePerSec: 20 });
    for (let i = 1; i <= 600; i += 1) backlog.outbox.enqueue(sample(i));
    let connected = false;
    connect(hub, backlog.outbox, {
      onEvent: (event) => {
        if (event.type !== 'connected') return;
        connected = true;
        backlog.outbox.enqueue(check(T0 + 601));
      },
    });
    await pollUntil(async () => connected && (await count('check_states')) === 1, 'checkState stored');
    const samplesWhenAlertStored = await count('samples');
    expect(samplesWhenAlertStored).toBeLessThan(600);
    await pollUntil(async () => (await count('samples')) === 600, 'backlog drained', 10_000);
    backlog.close();
  });
});

describe('TLS', () => {
  let ca: string;
  beforeEach(async () => {
    const key = join(dir, 'hub.key');
    const cert = join(dir, 'hub.crt');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-keyout',
        key,
        '-out',
        cert,
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    ca = readFileSync(cert, 'utf8');
    hub = await startTestHub({ tlsCert: cert, tlsKey: key });
    credential = await enrolOne(hub);
  });

  it('serves https; an agent trusting the CA enrols and connects over wss', async () => {
    expect(hub.url.startsWith('https://')).toBe(true);
    const trusted = [...rootCertificates, ca];
    const { token } = await createEnrolmentToken(hub.deps, {
      client: 'acme',
      site: 'lab',
      maxUses: 1,
      ttlMs: 60_000,
    });
    const enrolled = await enrol({
      hubUrl: hub.url,
      request: { token, fingerprint: 'e1e2e3e4e5e6e7e8e9e0f1f2f3f4f5f6', hostname: 'pc-tls', os: OS },
      fetch: createTlsFetch(trusted),
    });
    expect(enrolled.ok).toBe(true);
    const outbox = spool('boot_tls_ok_001').outbox;
    outbox.enqueue(check(T0));
    const connection = connect(hub, outbox, { ca: trusted });
    await pollUntil(async () => (await count('check_states')) === 1, 'stored over wss');
    expect(connection.state).toBe('ready');
  });

  it('refuses a hub whose certificate it cannot verify, with the reason', async () => {
    const { token } = await createEnrolmentToken(hub.deps, {
      client: 'acme',
      site: 'lab',
      maxUses: 1,
      ttlMs: 60_000,
    });
    const enrolled = await enrol({
      hubUrl: hub.url,
      request: { token, fingerprint: 'e1e2e3e4e5e6e7e8e9e0f1f2f3f4f5f6', hostname: 'pc-tls', os: OS },
      fetch: createTlsFetch(rootCertificates),
    });
    expect(enrolled).toMatchObject({
      ok: false,
      code: 'NETWORK_ERROR',
      message: expect.stringMatching(/self[- ]signed certificate/),
    });
    const warnings: string[] = [];
    const log: Log = {
      ...SILENT_LOG,
      warn: (message, fields) => warnings.push(`${message}: ${String(fields?.error)}`),
    };
    const outbox = spool('boot_tls_bad_01').outbox;
    const connection = connect(hub, outbox, { log });
    await pollUntil(async () => warnings.length > 0, 'a failed attempt');
    expect(warnings[0]).toMatch(/connection to hub failed: self[- ]signed certificate/);
    expect(connection.state).not.toBe('ready');
    expect(await count('check_states')).toBe(0);
  });
});
