import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type IncidentView, measure, setHost, startHub, type TestHub } from '../support/hub-fixture.js';
import { HUB_BIN, holdsFor, pollUntil, stopAll } from '../support/processes.js';
import { helloFor, openRawAgent, type RawAgent } from '../support/raw-agent.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

// A whole site goes dark at once: three workstations and a production server. The real hub must
// open one site ticket graded by its worst host (P5 for N3), page once, and fold the four host
// silences under it in the console's queues.

const GRACE_SEC = 3;
const SWEEP_SEC = 0.5;
const NOTIFY_SEC = 0.5;
const PASSWORD = 'mot de passe du technicien';
const OS = { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0', arch: 'x64' };

let dir: string;
let receiver: WebhookReceiver | undefined;
const sockets: RawAgent[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-site-'));
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  await stopAll();
  await receiver?.close();
  receiver = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Enrol one machine of the site through the API, as `vigie-agent enroll` would. */
async function enrol(hub: TestHub, token: string, n: number, hostname: string) {
  const res = await fetch(`${hub.url}/api/v1/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token,
      fingerprint: `${'a0'.repeat(15)}${n.toString(16).padStart(2, '0')}`,
      hostname,
      os: OS,
    }),
  });
  expect(res.status).toBe(201);
  return { ...((await res.json()) as { agentId: string; secret: string; hostId: string }), hostname, n };
}

/** Sign in to the console through its form; the session cookie. */
async function signIn(url: string, name: string, password: string): Promise<string> {
  const form = await fetch(`${url}/console/sign-in`);
  const pre = form.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const res = await fetch(`${url}/console/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: name, password, _csrf: csrf }).toString(),
  });
  const session = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('vigie_session='))
    ?.split(';')[0];
  if (!session) throw new Error(`sign-in refused: ${res.status}`);
  return session;
}

describe('a site outage with a production server among the silent hosts', () => {
  it('opens one P5 site ticket for N3, pages once, and folds the host silences under it', async () => {
    receiver = await startWebhookReceiver();
    const db = join(dir, 'hub.db');
    const user = spawnSync(
      process.execPath,
      [HUB_BIN, 'user', 'create', 'marie', '--role', 'n3', '--password-stdin', '--quiet', '--db', db],
      { input: `${PASSWORD}\n`, encoding: 'utf8' },
    );
    expect(user.status, user.stderr).toBe(0);
    const hub = await startHub(dir, {
      args: [
        '--heartbeat-interval',
        '1',
        '--host-silent-grace',
        String(GRACE_SEC),
        '--incident-sweep-interval',
        String(SWEEP_SEC),
      ],
      env: { VIGIE_NOTIFY_ALLOW: '127.0.0.1', VIGIE_NOTIFY_INTERVAL: String(NOTIFY_SEC) },
    });
    // Every level and every kind that pages: one delivery in all is the point.
    const channel = await hub.api('/api/v1/notification-channels', {
      method: 'POST',
      body: JSON.stringify({
        name: 'all levels',
        kind: 'webhook',
        config: { url: `${receiver.url}/tickets` },
        levels: ['N1', 'N2', 'N3'],
        noticeKinds: ['opened', 'reopened', 'escalated', 'priority_raised'],
      }),
    });
    expect(channel.status, JSON.stringify(channel.body)).toBe(201);

    const token = await hub.api<{ token: string }>('/api/v1/enrolment-tokens', {
      method: 'POST',
      body: JSON.stringify({ client: 'e2e', site: 'lab', maxUses: 4, ttlHours: 1 }),
    });
    expect(token.status, JSON.stringify(token.body)).toBe(201);
    const machines = [
      await enrol(hub, token.body.token, 1, 'srv-prod-01'),
      await enrol(hub, token.body.token, 2, 'pc-accueil'),
      await enrol(hub, token.body.token, 3, 'pc-compta'),
      await enrol(hub, token.body.token, 4, 'pc-direction'),
    ];
    await setHost(hub, machines[0]!.hostId, { role: 'server', tags: ['production'] });

    // The four agents speak, then the site's link goes down: every socket dies at once.
    await Promise.all(
      machines.map(async (m) => {
        const socket = await openRawAgent(hub.url);
        sockets.push(socket);
        socket.send(
          helloFor(m, {
            fingerprint: `${'a0'.repeat(15)}${m.n.toString(16).padStart(2, '0')}`,
            hostname: m.hostname,
            bootId: `boot_site_0000${m.n}`,
          }),
        );
        await socket.next('welcome', 15_000);
      }),
    );
    const cutAt = Date.now();
    for (const socket of sockets) socket.ws.terminate();

    const all = async () =>
      (
        await hub.api<{ incidents: (IncidentView & { parent_id: string | null })[] }>(
          '/api/v1/incidents?limit=1000',
        )
      ).body.incidents;
    const site = await pollUntil(
      async () => (await all()).find((i) => i.check === 'site.silent'),
      GRACE_SEC * 1000 + 15_000,
      'a site.silent incident',
    );
    expect(site).toMatchObject({ host_id: null, priority: 5, level: 'N3', state: 'new' });
    measure('site outage (4 hosts, one production server) → site ticket P5/N3', site.opened_at - cutAt);
    const children = await pollUntil(
      async () => {
        const { body } = await hub.api<{ incidents: (IncidentView & { parent_id: string | null })[] }>(
          `/api/v1/incidents?parent=${site.id}`,
        );
        const silent = body.incidents.filter((i) => i.check === 'host.silent');
        return silent.length === 4 ? silent : undefined;
      },
      15_000,
      'four host.silent incidents',
    );
    expect(children.every((c) => c.parent_id === site.id)).toBe(true);
    // The list folds them under the site: one row, which names them.
    const listed = (await all()) as (IncidentView & { children?: { count: number; ids: string[] } })[];
    expect(listed.filter((i) => i.check === 'host.silent')).toEqual([]);
    expect(listed.find((i) => i.id === site.id)?.children).toEqual({
      count: 4,
      ids: expect.arrayContaining(children.map((c) => c.id)),
    });

    const key = `${site.id}/N3`;
    const page = await pollUntil(async () => receiver?.received[0], 15_000, 'the page');
    expect(page.headers['idempotency-key']).toBe(key);
    expect(page.body).toMatchObject({
      notice: { kind: 'opened', incidentId: site.id, level: 'N3', priority: 5 },
    });
    measure('site outage → N3 webhook received', page.at - cutAt);
    await holdsFor(
      async () => expect(receiver?.received).toHaveLength(1),
      4 * SWEEP_SEC * 1000 + 2 * NOTIFY_SEC * 1000,
      'one page for the whole site',
    );

    // The console: one N3 row carrying the four children, nothing of them in N1.
    const cookie = await signIn(hub.url, 'marie', PASSWORD);
    const rows = async (queue: string) => {
      const res = await fetch(`${hub.url}/console/queue/${queue}?fragment=rows`, { headers: { cookie } });
      expect(res.status).toBe(200);
      return res.text();
    };
    const n3 = await rows('N3');
    expect(n3.match(/data-incident="/g)).toHaveLength(1);
    expect(n3).toContain(`data-incident="${site.id}"`);
    expect(n3).toContain('data-children="4"');
    expect(await rows('N1')).not.toContain('data-incident="');
    const parentPage = await (
      await fetch(`${hub.url}/console/incidents/${site.id}`, { headers: { cookie } })
    ).text();
    for (const child of children) expect(parentPage).toContain(`data-child="${child.id}"`);
    expect(parentPage).toContain('srv-prod-01');
  });
});
