import { beforeEach, describe, expect, it } from 'vitest';
import { createUserWithToken } from '../access/create-user.js';
import { createApp } from '../api/app.js';
import type { HubDeps } from '../config/deps.js';
import { createEnrolmentToken } from '../enrolment/create-enrolment-token.js';
import { enrolAgent } from '../enrolment/enrol-agent.js';
import { createTestDeps, TEST_OS, testHubServices, userToken } from '../test-support/test-hub.js';

let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let admin: string;
let tech: string;
let techId: string;
const ids = { acmeHost: '', globexHost: '', acmeIncident: '', globexIncident: '', acme: '', globex: '' };

const call = async (path: string, token: string, method = 'GET', body?: unknown) => {
  const res = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> };
};

async function enrolOn(client: string, hostname: string, fingerprint: string): Promise<string> {
  const { token } = await createEnrolmentToken(deps, { client, site: 'hq', maxUses: 1, ttlMs: 3_600_000 });
  const enrolled = await enrolAgent(deps, { token, fingerprint, hostname, os: TEST_OS });
  if (!enrolled.ok) throw new Error(enrolled.code);
  return enrolled.response.hostId;
}

beforeEach(async () => {
  deps = await createTestDeps(() => Date.UTC(2026, 11, 1, 9, 0));
  app = createApp(testHubServices(deps));
  admin = await userToken(deps, 'admin', 'admin');
  const t = await createUserWithToken(deps, { name: 'acme-tech', role: 'n1' });
  if (!t.ok) throw new Error(t.code);
  tech = t.token;
  techId = t.userId;
  ids.acmeHost = await enrolOn('acme', 'acme-srv', 'a'.repeat(32));
  ids.globexHost = await enrolOn('globex', 'globex-srv', 'b'.repeat(32));
  for (const [client, hostId, key] of [
    ['acme', ids.acmeHost, 'acmeIncident'],
    ['globex', ids.globexHost, 'globexIncident'],
  ] as const) {
    const opened = await call('/api/v1/incidents', admin, 'POST', {
      client,
      hostId,
      title: `${client} down`,
    });
    ids[key] = (opened.body.incident as { id: string }).id;
  }
  const clients = (await call('/api/v1/clients', admin)).body.clients as Array<{ id: string; name: string }>;
  ids.acme = clients.find((c) => c.name === 'acme')?.id ?? '';
  ids.globex = clients.find((c) => c.name === 'globex')?.id ?? '';
});

const limitTechTo = (clients: string[] | null) =>
  call(`/api/v1/users/${techId}/clients`, admin, 'PUT', { clients });

describe('a client-scoped technician', () => {
  beforeEach(async () => {
    expect((await limitTechTo([ids.acme])).status).toBe(200);
  });

  it("lists only their clients' hosts, incidents, clients and OS counts", async () => {
    const hosts = (await call('/api/v1/hosts', tech)).body.hosts as Array<{ id: string }>;
    expect(hosts.map((h) => h.id)).toEqual([ids.acmeHost]);
    // Asking for the other client by name does not widen the scope.
    expect((await call('/api/v1/hosts?client=globex', tech)).body.hosts).toEqual([]);
    const incidents = (await call('/api/v1/incidents', tech)).body.incidents as Array<{ id: string }>;
    expect(incidents.map((i) => i.id)).toEqual([ids.acmeIncident]);
    expect((await call('/api/v1/incidents?client=globex', tech)).body.incidents).toEqual([]);
    const clients = (await call('/api/v1/clients', tech)).body.clients as Array<{ name: string }>;
    expect(clients.map((c) => c.name)).toEqual(['acme']);
    const os = (await call('/api/v1/inventory/os', tech)).body.os as Array<{ hosts: number }>;
    expect(os.reduce((sum, row) => sum + row.hosts, 0)).toBe(1);
  });

  it("answers 404 for another client's host, its sub-resources, and its incidents", async () => {
    for (const path of [
      `/api/v1/hosts/${ids.globexHost}`,
      `/api/v1/hosts/${ids.globexHost}/metrics`,
      `/api/v1/hosts/${ids.globexHost}/inventory`,
      `/api/v1/hosts/${ids.globexHost}/gaps`,
      `/api/v1/hosts/${ids.globexHost}/updates`,
      `/api/v1/hosts/${ids.globexHost}/effective-policy`,
      `/api/v1/incidents/${ids.globexIncident}`,
      `/api/v1/clients/${ids.globex}`,
    ]) {
      const res = await call(path, tech);
      expect({ path, status: res.status, code: (res.body.error as { code?: string })?.code }).toEqual({
        path,
        status: 404,
        code: 'NOT_FOUND',
      });
    }
    // Their own are there.
    expect((await call(`/api/v1/hosts/${ids.acmeHost}`, tech)).status).toBe(200);
    expect((await call(`/api/v1/incidents/${ids.acmeIncident}`, tech)).status).toBe(200);
  });

  it("cannot act on another client's incident nor open one for it", async () => {
    const ack = await call(`/api/v1/incidents/${ids.globexIncident}/acknowledge`, tech, 'POST', {});
    expect(ack.status).toBe(404);
    const incident = (await call(`/api/v1/incidents/${ids.globexIncident}`, admin)).body.incident as {
      state: string;
    };
    expect(incident.state).toBe('new');
    const opened = await call('/api/v1/incidents', tech, 'POST', { client: 'globex', title: 'x' });
    expect(opened.status).toBe(404);
  });

  it('sees nothing once their last client is taken away (not everything)', async () => {
    await limitTechTo([]);
    expect((await call('/api/v1/hosts', tech)).body.hosts).toEqual([]);
    expect((await call('/api/v1/incidents', tech)).body.incidents).toEqual([]);
    expect((await call(`/api/v1/hosts/${ids.acmeHost}`, tech)).status).toBe(404);
  });

  it('sees every client again when the limit is lifted', async () => {
    expect((await limitTechTo(null)).body).toMatchObject({ scoped: false, clients: null });
    expect(((await call('/api/v1/hosts', tech)).body.hosts as unknown[]).length).toBe(2);
  });
});

describe('admins and unscoped technicians', () => {
  it('see every client', async () => {
    expect(((await call('/api/v1/hosts', admin)).body.hosts as unknown[]).length).toBe(2);
    expect(((await call('/api/v1/incidents', tech)).body.incidents as unknown[]).length).toBe(2);
  });

  it('only admins set a scope, and only to clients that exist', async () => {
    expect((await call(`/api/v1/users/${techId}/clients`, tech, 'PUT', { clients: null })).status).toBe(403);
    expect((await limitTechTo(['cli_nope'])).status).toBe(400);
    expect((await call('/api/v1/users/usr_nope/clients', admin, 'PUT', { clients: [] })).status).toBe(404);
  });
});
