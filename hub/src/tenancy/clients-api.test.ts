import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import type { HubDeps } from '../config/deps.js';
import { enrolAgent } from '../enrolment/enrol-agent.js';
import { createTestDeps, TEST_OS, testHubServices, userToken } from '../test-support/test-hub.js';

let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let admin: string;
let tech: string;

async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
  token = admin,
) {
  const res = await app.request(`/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
}

type Client = { id: string; name: string; note: string };
type Site = { id: string; clientId: string; name: string };

beforeEach(async () => {
  deps = await createTestDeps(() => Date.UTC(2026, 11, 1, 9, 0));
  app = createApp(testHubServices(deps));
  admin = await userToken(deps, 'admin', 'admin');
  tech = await userToken(deps, 'tech', 'n1');
});

describe('/api/v1/clients and /api/v1/sites', () => {
  it('creates a client and its sites, names kept verbatim, and refuses duplicates', async () => {
    const created = await call<{ client: Client }>('POST', '/clients', {
      name: 'Acme <SA> & fils',
      note: 'MSP',
    });
    expect(created).toMatchObject({
      status: 201,
      body: { client: { name: 'Acme <SA> & fils', note: 'MSP' } },
    });
    const clientId = created.body.client.id;
    expect((await call('POST', '/clients', { name: 'Acme <SA> & fils' })).status).toBe(409);
    const site = await call<{ site: Site }>('POST', '/sites', { clientId, name: 'Paris' });
    expect(site).toMatchObject({ status: 201, body: { site: { clientId, name: 'Paris' } } });
    expect((await call('POST', '/sites', { clientId, name: 'Paris' })).status).toBe(409);
    expect((await call('POST', '/sites', { clientId: 'cli_nope', name: 'Lyon' })).status).toBe(404);
    const one = await call<{ client: Client; sites: Site[] }>('GET', `/clients/${clientId}`);
    expect(one.body.sites.map((s) => s.name)).toEqual(['Paris']);
    expect((await call('PATCH', `/clients/${clientId}`, { note: 'new note' })).body).toMatchObject({
      client: { note: 'new note' },
    });
  });

  it('refuses names with a slash or control characters, and unknown fields', async () => {
    for (const body of [
      { name: 'a/b' },
      { name: 'line\nbreak' },
      { name: '' },
      { name: 'x', colour: 'red' },
    ]) {
      expect((await call('POST', '/clients', body)).status).toBe(400);
    }
  });

  it('lets only admins change clients and sites', async () => {
    expect((await call('POST', '/clients', { name: 'x' }, tech)).status).toBe(403);
    expect((await call('GET', '/clients', undefined, tech)).status).toBe(200);
  });

  it('creates the entities a token names, links the token, and filters hosts by entity ids', async () => {
    const made = await call<{ token: string; clientId: string; siteId: string }>(
      'POST',
      '/enrolment-tokens',
      {
        client: 'globex',
        site: 'lyon',
      },
    );
    expect(made.status).toBe(201);
    const { clientId, siteId } = made.body;
    const tokens = await call<{ tokens: Array<{ clientId: string; siteId: string; client: string }> }>(
      'GET',
      '/enrolment-tokens',
    );
    expect(tokens.body.tokens[0]).toMatchObject({ client: 'globex', clientId, siteId });
    // A token by site id carries the names.
    const bySite = await call<{ token: string }>('POST', '/enrolment-tokens', { siteId });
    const enrolled = await enrolAgent(deps, {
      token: bySite.body.token,
      fingerprint: 'd'.repeat(32),
      hostname: 'globex-pc',
      os: TEST_OS,
    });
    if (!enrolled.ok) throw new Error(enrolled.code);
    const hostId = enrolled.response.hostId;
    const list = async (query: string) =>
      (await call<{ hosts: Array<{ id: string }> }>('GET', `/hosts?${query}`)).body.hosts.map((h) => h.id);
    expect(await list(`clientId=${clientId}`)).toEqual([hostId]);
    expect(await list(`siteId=${siteId}`)).toEqual([hostId]);
    expect(await list('clientId=cli_nope')).toEqual([]);
    expect(await list('role=workstation')).toEqual([]);
    expect(await list('role=server')).toEqual([hostId]);
    // In use: neither the client nor the site can go.
    expect((await call('DELETE', `/clients/${clientId}`)).status).toBe(409);
    expect((await call('DELETE', `/sites/${siteId}`)).status).toBe(409);
    expect((await call('POST', '/enrolment-tokens', { siteId: 'sit_nope' })).status).toBe(400);
  });

  it('deletes an unused client with its sites', async () => {
    const { body } = await call<{ client: Client }>('POST', '/clients', { name: 'gone' });
    await call('POST', '/sites', { clientId: body.client.id, name: 'hq' });
    expect((await call('DELETE', `/clients/${body.client.id}`)).status).toBe(204);
    expect((await call('GET', `/clients/${body.client.id}`)).status).toBe(404);
    expect((await call<{ sites: Site[] }>('GET', '/sites')).body.sites).toEqual([]);
  });
});
