import { createHash, randomBytes } from 'node:crypto';
import { CLOSE_CODES } from '@vigie/shared';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentView } from '../support/hub-fixture.js';
import {
  HUB_BIN,
  holdsFor,
  pollUntil,
  type RunningProcess,
  runCli,
  startProcess,
  stopAll,
} from '../support/processes.js';
import { helloFor, openRawAgent, type RawAgent } from '../support/raw-agent.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

// Two real `vigie-hub` processes on one PostgreSQL database (a database of its own per test),
// agents connecting to either (docs/decisions/0015-postgresql-and-several-hubs.md).

const ADMIN_URL = process.env.VIGIE_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const GRACE_SEC = 2;
const SWEEP_SEC = 0.4;
const FINGERPRINT = 'c1c2c3c4c5c6c7c8c9c0d1d2d3d4d5d6';
const OS = { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0', arch: 'x64' };

let dbName: string;
let dbUrl: string;
let receiver: WebhookReceiver | undefined;
const agents: RawAgent[] = [];

async function admin(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

beforeEach(async () => {
  dbName = `vigie_e2e_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(ADMIN_URL, `create database ${dbName}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  dbUrl = url.toString();
});

afterEach(async () => {
  for (const agent of agents.splice(0)) agent.ws.terminate();
  await stopAll();
  await receiver?.close();
  receiver = undefined;
  await admin(ADMIN_URL, `drop database if exists ${dbName} with (force)`);
});

interface Instance {
  readonly process: RunningProcess;
  readonly url: string;
  api<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>;
  incidents(hostId: string, check: string): Promise<IncidentView[]>;
}

/** An admin (created once, through the CLI, which also migrates) and two hubs on the database. */
async function startInstances(
  args: { a: string[]; b: string[] },
  env: NodeJS.ProcessEnv = {},
): Promise<{ a: Instance; b: Instance }> {
  const user = await runCli(HUB_BIN, [
    'user',
    'create',
    'admin',
    '--role',
    'admin',
    '--db',
    dbUrl,
    '--quiet',
  ]);
  if (user.code !== 0) throw new Error(`user create failed: ${user.output}`);
  const token = user.output.trim();
  const start = async (extra: string[]): Promise<Instance> => {
    const hub = startProcess(
      HUB_BIN,
      ['start', '--host', '127.0.0.1', '--port', '0', '--db', dbUrl, ...extra],
      { VIGIE_HUB_MAX_HANDSHAKES_PER_ADDRESS: '100', ...env },
    );
    const url = (await hub.waitFor(/listening (http:\/\/\S+)/))[1] ?? '';
    const api = async <T>(path: string, init: RequestInit = {}) => {
      const res = await fetch(`${url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
      });
      const text = await res.text();
      return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as T };
    };
    return {
      process: hub,
      url,
      api,
      async incidents(hostId, check) {
        const { body } = await api<{ incidents: IncidentView[] }>(
          `/api/v1/incidents?host=${encodeURIComponent(hostId)}&limit=1000`,
        );
        return body.incidents.filter((i) => i.check === check);
      },
    };
  };
  const [a, b] = await Promise.all([start(args.a), start(args.b)]);
  return { a, b };
}

/** Enrol a machine through `hub`'s API, as `vigie-agent enroll` would. */
async function enrol(hub: Instance): Promise<{ agentId: string; secret: string; hostId: string }> {
  const created = await hub.api<{ token: string }>('/api/v1/enrolment-tokens', {
    method: 'POST',
    body: JSON.stringify({ client: 'e2e', site: 'lab', maxUses: 1, ttlHours: 1 }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const res = await fetch(`${hub.url}/api/v1/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token: created.body.token,
      fingerprint: FINGERPRINT,
      hostname: 'srv-multi-01',
      os: OS,
    }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { agentId: string; secret: string; hostId: string };
}

/** A raw agent socket on `hub`, welcomed. */
async function connect(
  hub: Instance,
  credential: { agentId: string; secret: string },
  bootId = 'boot_raw_00001',
): Promise<RawAgent> {
  const agent = await openRawAgent(hub.url);
  agents.push(agent);
  agent.send(helloFor(credential, { fingerprint: FINGERPRINT, hostname: 'srv-multi-01', bootId }));
  await agent.next('welcome', 15_000);
  return agent;
}

async function online(hub: Instance, hostId: string): Promise<boolean> {
  const { body } = await hub.api<{ hosts: { id: string; online: boolean }[] }>('/api/v1/hosts');
  return body.hosts.find((h) => h.id === hostId)?.online === true;
}

describe('several hub instances on one PostgreSQL', () => {
  it('turns 50 identical critical events sent through both at once into one incident with 50 occurrences', async () => {
    const { a, b } = await startInstances({ a: [], b: [] });
    const first = await enrol(a);
    // 49 more credentials for the same host, so that every event carries the same dedup key
    // (client/host/check/resource) while arriving on 50 sockets spread over both instances.
    const credentials = [first];
    for (let i = 1; i < 50; i++) {
      const secret = randomBytes(24).toString('base64url');
      const agentId = `agt_multi_${i.toString().padStart(4, '0')}`;
      await admin(
        dbUrl,
        'insert into agents (id, host_id, secret_hash, fingerprint, enrolled_at) values ($1, $2, $3, $4, $5)',
        [agentId, first.hostId, createHash('sha256').update(secret).digest('hex'), FINGERPRINT, Date.now()],
      );
      credentials.push({ agentId, secret, hostId: first.hostId });
    }
    const bootOf = (i: number) => `boot_multi_${i.toString().padStart(4, '0')}`;
    const sockets = await Promise.all(credentials.map((c, i) => connect(i % 2 === 0 ? a : b, c, bootOf(i))));

    const at = Date.now();
    for (const [i, socket] of sockets.entries()) {
      socket.send({
        type: 'checkState',
        bootId: bootOf(i),
        seq: 1,
        at,
        check: 'disk.smart',
        resource: 'sda',
        state: 'critical',
        previous: 'ok',
        value: 1,
        threshold: 1,
      });
    }
    // Each ack comes after its commit: then every event is in the database.
    await Promise.all(sockets.map((socket) => socket.next('ack', 30_000)));

    for (const hub of [a, b]) {
      const incidents = await hub.incidents(first.hostId, 'disk.smart');
      expect(incidents).toHaveLength(1);
      expect(incidents[0]).toMatchObject({ occurrences: 50, severity: 'critical' });
    }
  });

  it('does not count an agent moving from one instance to the other as an outage', async () => {
    const args = ['--heartbeat-interval', '1', '--host-silent-grace', String(GRACE_SEC)];
    const sweep = ['--incident-sweep-interval', String(SWEEP_SEC)];
    const { a, b } = await startInstances({ a: [...args, ...sweep], b: [...args, ...sweep] });
    const credential = await enrol(a);
    const onA = await connect(a, credential);
    expect(await online(b, credential.hostId)).toBe(true);

    // The agent reconnects to B (a load balancer's choice) before A noticed anything: A closes
    // its stale socket, and the host stays connected.
    await connect(b, credential);
    expect(await onA.closed(10_000)).toBe(CLOSE_CODES.SUPERSEDED.code);
    await holdsFor(
      async () => {
        expect(await online(a, credential.hostId)).toBe(true);
        expect(await a.incidents(credential.hostId, 'host.silent')).toHaveLength(0);
      },
      GRACE_SEC * 1000 + 6 * SWEEP_SEC * 1000,
      'the host online and no host.silent incident',
    );

    // The same setup does see a real outage: the agent gone from B opens host.silent.
    for (const agent of agents.splice(0)) agent.ws.terminate();
    await pollUntil(
      async () => (await a.incidents(credential.hostId, 'host.silent'))[0],
      GRACE_SEC * 1000 + 20_000,
      'a host.silent incident once the agent is really gone',
    );
  });

  it('revoking on instance A closes the agent socket held by instance B', async () => {
    const { a, b } = await startInstances({ a: [], b: [] });
    const credential = await enrol(a);
    const onB = await connect(b, credential);
    const revoked = await a.api(`/api/v1/hosts/${credential.hostId}/revoke`, { method: 'POST' });
    expect(revoked.status).toBe(200);
    expect(await onB.closed(10_000)).toBe(CLOSE_CODES.CREDENTIAL_REVOKED.code);
    // And B refuses the credential when the agent comes back.
    const again = await openRawAgent(b.url);
    agents.push(again);
    again.send(helloFor(credential, { fingerprint: FINGERPRINT, hostname: 'srv-multi-01' }));
    expect(await again.closed(10_000)).toBe(CLOSE_CODES.CREDENTIAL_REVOKED.code);
  });

  it('escalates from the other instance when the one running escalations is killed, each delivery key once', async () => {
    receiver = await startWebhookReceiver();
    // N3 is paged at once, then again every 4 s (firings at 0, 4, 8, 12, 16 s).
    const sla = JSON.stringify({
      escalation: {
        N3: [0, 4, 4, 4, 4].map((waitSec) => ({ waitSec, notify: ['N3'] })),
      },
    });
    const common = ['--heartbeat-interval', '1', '--host-silent-grace', String(GRACE_SEC)];
    const { a, b } = await startInstances(
      // A sweeps more often than B, so A is the instance running the escalations until killed.
      {
        a: [...common, '--incident-sweep-interval', '0.2'],
        b: [...common, '--incident-sweep-interval', String(SWEEP_SEC)],
      },
      { VIGIE_NOTIFY_ALLOW: '127.0.0.1', VIGIE_NOTIFY_INTERVAL: '0.2', VIGIE_SLA_RULES: sla },
    );
    const channel = await a.api('/api/v1/notification-channels', {
      method: 'POST',
      body: JSON.stringify({
        name: 'N3 on-call',
        kind: 'webhook',
        config: { url: `${receiver.url}/page` },
        levels: ['N3'],
      }),
    });
    expect(channel.status, JSON.stringify(channel.body)).toBe(201);
    const credential = await enrol(a);
    const patched = await a.api(`/api/v1/hosts/${credential.hostId}`, {
      method: 'PATCH',
      body: JSON.stringify({ role: 'server', tags: ['production'] }),
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    // The production server goes silent: a P5 host.silent incident in N3 and its policy run.
    const socket = await connect(a, credential);
    socket.ws.terminate();
    const incident = await pollUntil(
      async () => (await b.incidents(credential.hostId, 'host.silent'))[0],
      GRACE_SEC * 1000 + 20_000,
      'a host.silent incident',
    );
    expect(incident).toMatchObject({ level: 'N3', priority: 5 });
    const keys = () =>
      receiver!.received
        .map((r) => r.headers['idempotency-key'])
        .filter((k) => String(k).startsWith(incident.id));
    const sent = async (key: string) => {
      const { body } = await b.api<{ deliveries: { deliveryKey: string; state: string }[] }>(
        '/api/v1/outbox?limit=1000',
      );
      return body.deliveries.find((d) => d.deliveryKey === key && d.state === 'sent');
    };

    const second = `${incident.id}/N3/step-2`;
    await pollUntil(async () => (keys().includes(second) ? await sent(second) : undefined), 30_000, second);
    process.kill(a.process.child.pid ?? 0, 'SIGKILL');
    expect(await a.process.exited()).toBe('SIGKILL');

    // B takes the sweeps over: the next firings come, due 4 s apart, each once.
    for (const n of [3, 4]) {
      const key = `${incident.id}/N3/step-${n}`;
      await pollUntil(async () => (keys().includes(key) ? key : undefined), 4000 + 15_000, key);
    }
    await holdsFor(
      async () => {
        const seen = keys();
        expect(seen.length).toBe(new Set(seen).size);
      },
      2000,
      'each delivery key once',
    );
    expect(keys().slice(0, 4)).toEqual([
      `${incident.id}/N3`,
      second,
      `${incident.id}/N3/step-3`,
      `${incident.id}/N3/step-4`,
    ]);
  }, 120_000);
});
