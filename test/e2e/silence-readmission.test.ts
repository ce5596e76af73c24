import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrolWithCli } from '../support/agent-process.js';
import { type IncidentView, measure, setHost, type TestHub } from '../support/hub-fixture.js';
import {
  AGENT_BIN,
  HUB_BIN,
  holdsFor,
  pollUntil,
  type RunningProcess,
  runCli,
  startProcess,
  stopAll,
} from '../support/processes.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

// A hub that re-admits its fleet slower than the agents come back (docs/decisions/0023). Real hub
// and agent processes on PostgreSQL; the hub is made slow at verifying hellos the way a cold,
// loaded hub is, but deterministically: the test holds an exclusive lock on the `agents` table
// from before the restart until well past the grace, so every hello waits on its credential while
// the agents' grace of the listen runs out. Stock timings scaled down: ping 1 s, grace 3 s, sweep
// 0.5 s, agents retry at least every 1 s after losing a hub that welcomed them.

const ADMIN_URL = process.env.VIGIE_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const GRACE_SEC = 3;
const SWEEP_SEC = 0.5;
/** How long after the hub listens the hellos stay blocked: twice the grace. */
const BLOCKED_MS = 2 * GRACE_SEC * 1000;
const HUB_ARGS = [
  '--heartbeat-interval',
  '1',
  '--host-silent-grace',
  String(GRACE_SEC),
  '--incident-sweep-interval',
  String(SWEEP_SEC),
];
const HUB_ENV = { VIGIE_NOTIFY_ALLOW: '127.0.0.1', VIGIE_NOTIFY_INTERVAL: '0.5' };
const AGENT_ARGS = ['--metrics-interval', '1', '--heartbeat-interval', '1', '--reconnect-max-delay', '1'];

let dir: string;
let dbName: string;
let dbUrl: string;
let receiver: WebhookReceiver | undefined;

async function admin(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-readmission-'));
  dbName = `vigie_e2e_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(ADMIN_URL, `create database ${dbName}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  dbUrl = url.toString();
});

afterEach(async () => {
  await stopAll();
  await receiver?.close();
  receiver = undefined;
  await admin(ADMIN_URL, `drop database if exists ${dbName} with (force)`);
  rmSync(dir, { recursive: true, force: true });
});

/** `vigie-hub start` on the test database (and `port`, for a restart). */
async function startHub(token: string, port = '0'): Promise<TestHub & { listeningAt: number }> {
  const hub = startProcess(
    HUB_BIN,
    ['start', '--host', '127.0.0.1', '--port', port, '--db', dbUrl, ...HUB_ARGS],
    HUB_ENV,
  );
  const url = (await hub.waitFor(/listening (http:\/\/\S+)/))[1] ?? '';
  const listeningAt = Date.now();
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
    listeningAt,
    api,
    async incidents(hostId, check) {
      const { body } = await api<{ incidents: IncidentView[] }>(
        `/api/v1/incidents?host=${encodeURIComponent(hostId)}&limit=1000`,
      );
      return body.incidents.filter((i) => i.check === check);
    },
    async timeline() {
      return [];
    },
  };
}

/** Enrol one more real agent and run it; resolves with its host id once it reports. */
async function startAgent(
  hub: TestHub,
  name: string,
  known: Set<string>,
): Promise<{ process: RunningProcess; hostId: string }> {
  const stateDir = join(dir, name);
  await enrolWithCli(hub, stateDir, { client: 'e2e' });
  const agent = startProcess(AGENT_BIN, ['run', '--state-dir', stateDir, ...AGENT_ARGS]);
  const host = await pollUntil(
    async () => {
      const { body } = await hub.api<{ hosts: { id: string; online: boolean; health: unknown }[] }>(
        '/api/v1/hosts',
      );
      return body.hosts.find((h) => h.online && h.health !== null && !known.has(h.id));
    },
    30_000,
    `agent ${name} reporting`,
  );
  known.add(host.id);
  await setHost(hub, host.id, { role: 'server', tags: ['production'] });
  return { process: agent, hostId: host.id };
}

describe('a hub restart is not an outage, even when the hub is slow to re-admit its agents', () => {
  it('pages nobody for an agent kept waiting past the grace by the hub, and still tickets the host that died', async () => {
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
    expect(user.code, user.output).toBe(0);
    const token = user.output.trim();
    receiver = await startWebhookReceiver();
    const first = await startHub(token);
    const channel = await first.api<{ id: string }>('/api/v1/notification-channels', {
      method: 'POST',
      body: JSON.stringify({
        name: 'N3 on-call',
        kind: 'webhook',
        config: { url: `${receiver.url}/pages` },
        levels: ['N3'],
      }),
    });
    expect(channel.status, JSON.stringify(channel.body)).toBe(201);
    const known = new Set<string>();
    const alive = await startAgent(first, 'alive', known);
    const dead = await startAgent(first, 'dead', known);

    // The second server dies for good, and the hub is killed with it, before its silence is judged.
    process.kill(dead.process.child.pid!, 'SIGKILL');
    process.kill(first.process.child.pid!, 'SIGKILL');
    expect(await first.process.exited(10_000)).toBe('SIGKILL');

    // No hello can read its credential until the lock goes: the hub cannot re-admit anyone.
    const lock = new pg.Client({ connectionString: dbUrl });
    await lock.connect();
    await lock.query('begin');
    await lock.query('lock table agents in access exclusive mode');
    let releasedAt = 0;
    let hub: Awaited<ReturnType<typeof startHub>>;
    try {
      hub = await startHub(token, new URL(first.url).port);
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, hub.listeningAt + BLOCKED_MS - Date.now())),
      );
    } finally {
      await lock.query('commit');
      releasedAt = Date.now();
      await lock.end();
    }

    const online = async (hostId: string) => {
      const { body } = await hub.api<{ hosts: { id: string; online: boolean }[] }>('/api/v1/hosts');
      return body.hosts.find((h) => h.id === hostId)?.online === true;
    };
    await pollUntil(async () => ((await online(alive.hostId)) ? true : undefined), 15_000, 'the agent back');
    measure('hellos blocked past the grace: agent back after the hub listened', Date.now() - hub.listeningAt);

    // The dead server is ticketed once the hub could serve it again, and pages N3.
    const deadSilence = await pollUntil(
      async () => (await hub.incidents(dead.hostId, 'host.silent'))[0],
      GRACE_SEC * 1000 + 15_000,
      'host.silent for the dead server',
    );
    expect(deadSilence).toMatchObject({ level: 'N3', priority: 5 });
    // Not while the hub was behind: before this fix it opened at the listen + the grace.
    expect(deadSilence.opened_at).toBeGreaterThan(releasedAt);
    measure('hellos blocked: hub caught up → dead server ticketed', deadSilence.opened_at - releasedAt);
    const pagedIds = () =>
      new Set(
        receiver?.received.map((r) => (r.body as { notice?: { incidentId?: string } }).notice?.incidentId),
      );
    await pollUntil(async () => (pagedIds().has(deadSilence.id) ? true : undefined), 10_000, 'the page');

    // The living server: never silent, never paged, through sweeps past its grace of the catch-up.
    await holdsFor(
      async () => {
        expect(await hub.incidents(alive.hostId, 'host.silent')).toEqual([]);
        expect([...pagedIds()]).toEqual([deadSilence.id]);
      },
      (GRACE_SEC + 4 * SWEEP_SEC) * 1000,
      'no host.silent and no page for the living server',
    );
  }, 120_000);
});
