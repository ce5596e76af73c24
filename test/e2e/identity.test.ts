import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Connection,
  createConnection,
  createCredentialStore,
  hubWebSocketUrl,
  openSpool,
  SILENT_LOG,
  saveRotatedSecret,
} from '@vigie/agent';
import { createEnrolmentToken, createUserWithToken, type RunningHub, startHub } from '@vigie/hub';
import { CLOSE_CODES, type EnrolResponse, PROTOCOL_VERSION } from '@vigie/shared';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measure } from '../support/hub-fixture.js';
import { enrolInProcess, startInProcessHub, TEST_FINGERPRINT, TEST_OS } from '../support/in-process-hub.js';
import { helloFor, openRawAgent } from '../support/raw-agent.js';

// In-process hub (SQLite in memory, port 0 on 127.0.0.1) on a clock the test moves; agents are
// raw sockets, or the agent's real connection where rotation must reach its credentials file.

const FINGERPRINT = TEST_FINGERPRINT;
const OS = TEST_OS;
const HOUR = 3_600_000;

let dir: string;
let hub: RunningHub;
let credential: EnrolResponse;
let adminToken: string;
let offsetMs = 0;
const cleanups: Array<() => Promise<void> | void> = [];
const clock = () => Date.now() + offsetMs;

/** Polls `condition` until it holds, or fails naming `what` once the deadline passes. */
async function pollUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function startTestHub(extra: Record<string, number> = {}): Promise<RunningHub> {
  const started = await startInProcessHub(extra, clock);
  cleanups.push(() => started.close());
  const admin = await createUserWithToken(started.deps, { name: 'admin', role: 'admin' });
  if (!admin.ok) throw new Error('admin');
  adminToken = admin.token;
  return started;
}

const enrolOne = (hostname = 'srv-id-01'): Promise<EnrolResponse> => enrolInProcess(hub, hostname);

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${hub.url}/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
  });

/** The close code a hello gets, or 'welcome' when it is accepted. */
async function helloOutcome(hello: Record<string, unknown>): Promise<number | 'welcome'> {
  const agent = await openRawAgent(hub.url);
  agent.send(hello);
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (agent.received.some((m) => m.type === 'welcome')) {
      agent.ws.close();
      return 'welcome';
    }
    if (agent.ws.readyState === agent.ws.CLOSED) return agent.closed();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('neither welcome nor close');
}

const agentRow = (id = credential.agentId) =>
  hub.deps.db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-identity-'));
  offsetMs = 0;
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('duplicate identity', () => {
  beforeEach(async () => {
    hub = await startTestHub();
    credential = await enrolOne();
  });

  it('refuses the credential from another machine, opens one N3 security incident, stores nothing of the impostor', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const impostor = await openRawAgent(hub.url);
      impostor.send(
        helloFor(credential, { fingerprint: 'ffffeeeeddddccccbbbbaaaa99998888', hostname: 'impostor' }),
      );
      // Pipelined behind the hello: must not be stored.
      impostor.send({ type: 'metrics', bootId: 'boot_raw_00001', seq: 1, samples: [{ at: 1 }] });
      expect(await impostor.closed()).toBe(CLOSE_CODES.FINGERPRINT_MISMATCH.code);
    }
    const incidents = await hub.deps.db
      .selectFrom('incidents')
      .selectAll()
      .where('check', '=', 'security.duplicate-identity')
      .execute();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      host_id: credential.hostId,
      level: 'N3',
      source: 'hub',
      occurrences: 3,
    });
    const host = await hub.deps.db
      .selectFrom('hosts')
      .selectAll()
      .where('id', '=', credential.hostId)
      .executeTakeFirstOrThrow();
    expect(host.hostname).toBe('srv-id-01');
    const samples = await hub.deps.db.selectFrom('samples').select('host_id').execute();
    expect(samples).toHaveLength(0);
    // The rightful machine still gets in.
    expect(await helloOutcome(helloFor(credential))).toBe('welcome');
  });
});

describe('credential rotation', () => {
  beforeEach(async () => {
    hub = await startTestHub({ credentialGraceHours: 24 });
    credential = await enrolOne();
  });

  it('rotates on request over the live socket; the agent saves it 0600, confirms, and the old secret is refused', async () => {
    const store = createCredentialStore(join(dir, 'state'));
    await store.writeCredentials({
      hubUrl: hub.url,
      agentId: credential.agentId,
      secret: credential.secret,
      hostId: credential.hostId,
      enrolledAt: new Date().toISOString(),
    });
    const opened = openSpool({
      dir: join(dir, 'spool'),
      bootId: 'boot_rotate_01',
      log: SILENT_LOG,
      clock: Date.now,
    });
    if (!opened.ok) throw new Error(opened.message);
    cleanups.push(() => opened.spool.close());
    let connected = 0;
    const connection: Connection = createConnection({
      url: hubWebSocketUrl(hub.url),
      hello: () => ({
        protocolVersion: PROTOCOL_VERSION,
        credential: { agentId: credential.agentId, secret: credential.secret },
        fingerprint: FINGERPRINT,
        agentVersion: '0.1.0-e2e',
        hostname: 'srv-id-01',
        os: OS,
      }),
      outbox: opened.spool.outbox,
      onEvent: (event) => {
        if (event.type === 'connected') connected += 1;
      },
      log: SILENT_LOG,
      clock: Date.now,
      random: Math.random,
      backoff: { baseMs: 20, capMs: 200 },
      saveSecret: (message) => saveRotatedSecret(store, message.agentId, message.secret),
    });
    cleanups.push(() => connection.close());
    connection.start();
    await pollUntil(async () => connection.state === 'ready', 'agent ready');

    const res = await api(`/hosts/${credential.hostId}/rotate-credential`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      hostId: credential.hostId,
      agents: [{ agentId: credential.agentId, delivered: true }],
    });
    await pollUntil(
      async () =>
        (await agentRow()).previous_secret_hash === null && (await agentRow()).secret_rotated_at !== null,
      'confirmation',
    );
    const saved = await store.readCredentials();
    if (!saved.ok) throw new Error('credentials unreadable');
    expect(saved.value.secret).not.toBe(credential.secret);
    expect(statSync(store.credentialsPath).mode & 0o777).toBe(0o600);

    expect(await helloOutcome(helloFor(credential, { bootId: 'boot_old_00001' }))).toBe(
      CLOSE_CODES.AUTH_FAILED.code,
    );
    const rotated = { agentId: credential.agentId, secret: saved.value.secret };
    expect(await helloOutcome(helloFor(rotated, { bootId: 'boot_new_00001' }))).toBe('welcome');
    // The real connection was superseded by those hellos and came back with the new secret.
    await pollUntil(
      async () => connected >= 2 && connection.state === 'ready',
      'reconnect with the new secret',
    );
  });

  it('keeps the old secret valid through the grace window while unconfirmed, re-sending a new one, then refuses it', async () => {
    const first = await openRawAgent(hub.url);
    first.send(helloFor(credential));
    await first.next('welcome');
    const res = await api(`/hosts/${credential.hostId}/rotate-credential`, { method: 'POST' });
    expect(((await res.json()) as { agents: Array<{ delivered: boolean }> }).agents[0]?.delivered).toBe(true);
    const sent = await first.next('credential');
    expect(sent.previousValidUntil).toBeGreaterThan(clock() + 23 * HOUR);
    first.ws.close();
    await first.closed();

    // Never confirmed (the agent "crashed" before saving): the old secret still works, and
    // coming back with it earns a fresh secret.
    offsetMs = 23 * HOUR;
    const again = await openRawAgent(hub.url);
    again.send(helloFor(credential, { bootId: 'boot_raw_00002' }));
    await again.next('welcome');
    const resent = await again.next('credential');
    expect(resent.secret).not.toBe(sent.secret);
    // Coming back with the old secret does not extend its life.
    expect(resent.previousValidUntil).toBe(sent.previousValidUntil);
    again.ws.close();
    await again.closed();

    offsetMs = 48 * HOUR;
    expect(await helloOutcome(helloFor(credential, { bootId: 'boot_raw_00003' }))).toBe(
      CLOSE_CODES.AUTH_FAILED.code,
    );
    expect(await helloOutcome(helloFor({ agentId: credential.agentId, secret: String(resent.secret) }))).toBe(
      'welcome',
    );
  });

  it('rotates automatically once the secret is older than the rotation period', async () => {
    offsetMs = 91 * 24 * HOUR;
    const agent = await openRawAgent(hub.url);
    agent.send(helloFor(credential));
    await agent.next('welcome');
    const message = await agent.next('credential');
    agent.send({ type: 'credentialSaved', agentId: credential.agentId });
    await pollUntil(async () => (await agentRow()).previous_secret_hash === null, 'confirmation');
    agent.ws.close();
    expect(await helloOutcome(helloFor(credential, { bootId: 'boot_raw_00009' }))).toBe(
      CLOSE_CODES.AUTH_FAILED.code,
    );
    expect(
      await helloOutcome(helloFor({ agentId: credential.agentId, secret: String(message.secret) })),
    ).toBe('welcome');
  });
});

describe('revocation', () => {
  beforeEach(async () => {
    hub = await startTestHub();
    credential = await enrolOne();
  });

  it('kicks the live socket and refuses the reconnect within seconds', async () => {
    const agent = await openRawAgent(hub.url);
    agent.send(helloFor(credential));
    await agent.next('welcome');
    const started = Date.now();
    const res = await api(`/hosts/${credential.hostId}/revoke`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await agent.closed()).toBe(CLOSE_CODES.CREDENTIAL_REVOKED.code);
    const kickedMs = Date.now() - started;
    expect(await helloOutcome(helloFor(credential, { bootId: 'boot_raw_00002' }))).toBe(
      CLOSE_CODES.CREDENTIAL_REVOKED.code,
    );
    const refusedMs = Date.now() - started;
    measure('revoke: live socket closed', kickedMs);
    measure('revoke: reconnect refused', refusedMs);
    expect(refusedMs).toBeLessThan(5_000);
  });
});

describe('limits against hostile peers', () => {
  it('closes an agent over its message rate with RATE_LIMITED while another agent keeps being served', async () => {
    // The hub clock stands still: the bucket never refills, so the count is exact.
    const frozen = Date.now();
    offsetMs = 0;
    const started = await startHub(
      {
        host: '127.0.0.1',
        port: 0,
        db: ':memory:',
        logLevel: 'silent',
        heartbeatIntervalSec: 30,
        helloTimeoutSec: 5,
        metricsIntervalSec: 10,
        agentRateLimit: 5,
      },
      { log: pino({ level: 'silent' }), clock: () => frozen },
    );
    if (!started.ok) throw started.error;
    hub = started.hub;
    cleanups.push(() => started.hub.close());
    credential = await enrolOne();
    const other = await enrolOne('srv-id-02');
    const flooder = await openRawAgent(hub.url);
    flooder.send(helloFor(credential));
    await flooder.next('welcome');
    // Burst is 4× the rate (20): the hello and 19 messages pass, the 21st frame closes.
    for (let seq = 1; seq <= 40; seq += 1)
      flooder.send({ type: 'metrics', bootId: 'boot_raw_00001', seq, samples: [{ at: frozen }] });
    expect(await flooder.closed()).toBe(CLOSE_CODES.RATE_LIMITED.code);
    const polite = await openRawAgent(hub.url);
    polite.send(helloFor(other, { bootId: 'boot_polite_01' }));
    await polite.next('welcome');
    polite.send({ type: 'metrics', bootId: 'boot_polite_01', seq: 1, samples: [{ at: frozen }] });
    expect((await polite.next('ack')).seq).toBe(1);
    polite.ws.close();
  });

  it('refuses 1000 bad-secret hellos with AUTH_FAILED while a legitimate agent keeps being served', async () => {
    hub = await startTestHub();
    credential = await enrolOne();
    const good = await openRawAgent(hub.url);
    good.send(helloFor(credential));
    await good.next('welcome');
    const codes = new Map<number, number>();
    const started = Date.now();
    let next = 0;
    // Eight at a time: under the per-address handshake cap, so every refusal is AUTH_FAILED.
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 1000) {
          next += 1;
          const attempt = await openRawAgent(hub.url);
          attempt.send(
            helloFor({ agentId: credential.agentId, secret: `vgs_wrong_${next}_${'x'.repeat(20)}` }),
          );
          const code = await attempt.closed();
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
      }),
    );
    measure('1000 bad-secret hellos refused', Date.now() - started);
    expect(Object.fromEntries(codes)).toEqual({ [CLOSE_CODES.AUTH_FAILED.code]: 1000 });
    good.send({ type: 'metrics', bootId: 'boot_raw_00001', seq: 1, samples: [{ at: Date.now() }] });
    expect((await good.next('ack')).seq).toBe(1);
    good.ws.close();
  });

  it('caps unauthenticated sockets per address, and frees the slot when one says hello', async () => {
    hub = await startTestHub({ maxHandshakesPerAddress: 3 });
    credential = await enrolOne();
    const idle = await Promise.all([1, 2, 3].map(() => openRawAgent(hub.url)));
    const fourth = await openRawAgent(hub.url);
    expect(await fourth.closed()).toBe(CLOSE_CODES.TOO_MANY_HANDSHAKES.code);
    idle[0]?.send(helloFor(credential));
    await idle[0]?.next('welcome');
    const fifth = await openRawAgent(hub.url);
    fifth.send(helloFor(credential, { bootId: 'boot_raw_00005' }));
    await fifth.next('welcome');
    for (const socket of [...idle, fifth]) socket.ws.close();
  });

  it('answers 429 RATE_LIMITED to enrolment attempts over the per-address rate; other calls are unaffected', async () => {
    hub = await startTestHub({ enrolRateLimit: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      const res = await fetch(`${hub.url}/api/v1/enrol`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: `vge_bad${i}`, fingerprint: FINGERPRINT, hostname: 'x', os: OS }),
      });
      statuses.push(res.status);
      if (res.status === 429)
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
      else await res.body?.cancel();
    }
    expect(statuses.slice(0, 5).every((s) => s === 401 || s === 400)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    expect((await api('/hosts')).status).toBe(200);
  });

  it('does not count successful enrolments: a site behind one address enrols more machines than the limit', async () => {
    hub = await startTestHub({ enrolRateLimit: 2 });
    const { token } = await createEnrolmentToken(hub.deps, {
      client: 'acme',
      site: 'nat',
      maxUses: 6,
      ttlMs: 60_000,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const res = await fetch(`${hub.url}/api/v1/enrol`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, fingerprint: `${FINGERPRINT}${i}`, hostname: `pc-${i}`, os: OS }),
      });
      statuses.push(res.status);
      await res.body?.cancel();
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201]);
  });
});
