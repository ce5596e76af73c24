import type { Software } from '@vigie/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { createUserWithToken } from '../access/create-user.js';
import { createApp } from '../api/app.js';
import type { HubDeps } from '../config/deps.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { addHost } from '../incidents/testing.js';
import { DEFAULT_SECURITY_UPDATES_MAX_AGE_MS, sweepSecurityUpdates } from '../inventory/updates-sweep.js';
import { recordHostUpdates } from '../repositories/host-updates.js';
import { replaceHostSoftware } from '../repositories/inventory-software.js';
import { insertClient, setUserClients } from '../tenancy/clients.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps, jsonRequest, testHubServices, userToken } from '../test-support/test-hub.js';
import { expiryStage } from './expiry.js';
import { sweepLicences } from './sweep.js';

const DAY = 86_400_000;
const T0 = 1_764_000_000_000;
let now = T0;
let deps: HubDeps;
let runtime: IncidentRuntime;
let app: ReturnType<typeof createApp>;
let admin: string;

const send = (method: string, path: string, body?: unknown) => jsonRequest(app, admin, method, path, body);

interface LicenceAnswer {
  licence: { id: string; seats: number; compliance: Record<string, number> };
  items: { type: string; label: string }[];
}
const json = async (res: Response) => (await res.json()) as LicenceAnswer;

const incidentsOf = (check: string) =>
  deps.db.selectFrom('incidents').selectAll().where('check', '=', check).orderBy('opened_at').execute();

async function createLicence(body: Record<string, unknown>): Promise<string> {
  const res = await send('POST', '/api/v1/licences', body);
  expect(res.status).toBe(201);
  return (await json(res)).licence.id;
}

beforeEach(async () => {
  now = T0;
  deps = await createTestDeps(() => now);
  runtime = testIncidentRuntime();
  app = createApp(testHubServices(deps));
  admin = await userToken(deps, 'admin', 'admin');
});

describe('expiryStage', () => {
  it.each([
    [120, undefined],
    [90, 90],
    [31, 90],
    [30, 30],
    [6, 7],
    [0, 0],
    [-3, 0],
  ])('%i days left → stage %s', (days, stage) => {
    expect(expiryStage(T0 + days * DAY, T0)?.stage).toBe(stage);
  });
});

describe('licence compliance', () => {
  it('counts 7 installations matched by pattern against 5 seats and opens one over-deployment ticket', async () => {
    for (let i = 0; i < 7; i++) {
      const host = await addHost(deps.db);
      const software: Software[] = [
        {
          name: `Example Office ${2019 + (i % 3)}`,
          version: '16',
          publisher: 'Example Corp',
          source: 'registry',
        },
      ];
      await replaceHostSoftware(deps.db, host, software);
    }
    const id = await createLicence({
      product: 'Example Office',
      namePattern: 'example office*',
      publisherPattern: 'Example*',
      seats: 5,
    });
    const body = await json(await send('GET', `/api/v1/licences/${id}`));
    expect(body.licence.compliance).toMatchObject({ seats: 5, used: 7, unused: 0, overDeployed: 2 });

    await sweepLicences(deps.db, runtime, now);
    await sweepLicences(deps.db, runtime, now + 3_600_000);
    const tickets = await incidentsOf('licence.compliance');
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ state: 'new', host_id: null, resource: id, level: 'N2' });
  });
});

describe('licence expiry', () => {
  it('opens one ticket at the 7-day stage for an expiry in 6 days, not repeated on the next daily run', async () => {
    await createLicence({
      product: 'AV Suite',
      kind: 'antivirus',
      namePattern: 'AV*',
      seats: 10,
      expiresAt: T0 + 6 * DAY,
    });
    await sweepLicences(deps.db, runtime, now);
    now += DAY;
    await sweepLicences(deps.db, runtime, now);
    const tickets = await incidentsOf('licence.expiry');
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ severity: 'critical', level: 'N2', recovered_at: null });
    expect(tickets[0]?.resource).toMatch(/:stage-7$/);
    expect(tickets[0]?.title ?? '').not.toBe('');
  });

  it('opens one ticket per stage (90, 30, 7, 0 days), each once, recovering the stage it supersedes', async () => {
    await createLicence({
      product: 'CAD',
      namePattern: 'CAD*',
      seats: 1,
      expiresAt: T0 + 100 * DAY,
      client: 'acme',
    });
    const at = async (day: number) => {
      now = T0 + day * DAY;
      await sweepLicences(deps.db, runtime, now);
    };
    await at(0);
    expect(await incidentsOf('licence.expiry')).toHaveLength(0);
    await at(10); // 90 days left
    await at(11); // the next daily run: nothing new
    const [first, ...none] = await incidentsOf('licence.expiry');
    expect(none).toHaveLength(0);
    expect(first).toMatchObject({ severity: 'warning', level: 'N2', recovered_at: null });
    expect(first?.resource).toMatch(/:stage-90$/);

    await at(70); // 30 days left
    await at(93); // 7 days left
    await at(94);
    await at(100); // expires today
    const tickets = await incidentsOf('licence.expiry');
    expect(tickets.map((t) => t.resource.split(':').at(-1))).toEqual([
      'stage-90',
      'stage-30',
      'stage-7',
      'stage-0',
    ]);
    // Each ticket but the current stage's has had its recovery: the newer stage supersedes it.
    expect(tickets.map((t) => t.recovered_at !== null)).toEqual([true, true, true, false]);
    expect(tickets.map((t) => t.severity)).toEqual(['warning', 'warning', 'critical', 'critical']);
    const priorities = tickets.map((t) => Number(t.priority));
    expect(priorities[3]).toBeGreaterThan(priorities[0] ?? 0);
  });

  it('uses a licence’s own stages instead of the defaults', async () => {
    await createLicence({
      product: 'VPN',
      namePattern: 'vpn*',
      seats: 1,
      expiresAt: T0 + 50 * DAY,
      expiryStages: [14, 60, 0],
    });
    await sweepLicences(deps.db, runtime, now);
    const [ticket] = await incidentsOf('licence.expiry');
    expect(ticket?.resource).toMatch(/:stage-60$/);
    const body = (await (await send('GET', '/api/v1/licences')).json()) as {
      licences: { expiryStages: number[] }[];
    };
    expect(body.licences[0]?.expiryStages).toEqual([60, 14, 0]);
  });

  it('lists expiring licences and warranties in the calendar, soonest first', async () => {
    const host = await addHost(deps.db);
    await createLicence({ product: 'Far', namePattern: 'x', seats: 1, expiresAt: T0 + 200 * DAY });
    await createLicence({ product: 'Soon', namePattern: 'y', seats: 1, expiresAt: '2025-12-01' });
    const put = await send('PUT', `/api/v1/hosts/${host}/warranty`, { warrantyUntil: T0 + 3 * DAY });
    expect(put.status).toBe(200);
    const body = await json(await send('GET', '/api/v1/licences/calendar?days=90'));
    expect(body.items.map((i) => `${i.type}:${i.label}`)).toEqual([
      `warranty:host-${host.split('_').at(-1)}`,
      'licence:Soon',
    ]);
  });

  it('opens a warranty ticket for a host whose warranty ends within 30 days', async () => {
    const host = await addHost(deps.db);
    await send('PUT', `/api/v1/hosts/${host}/warranty`, { warrantyUntil: T0 + 20 * DAY });
    await sweepLicences(deps.db, runtime, now);
    expect(await incidentsOf('warranty.expiry')).toMatchObject([{ severity: 'warning', host_id: null }]);
  });
});

describe('licences CRUD', () => {
  it('is for admins only', async () => {
    const t = await createUserWithToken(deps, { name: 'tech', role: 'n1' });
    if (!t.ok) throw new Error('tech');
    const res = await app.request('/api/v1/licences', {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ product: 'x', namePattern: 'x', seats: 1 }),
    });
    expect(res.status).toBe(403);
  });

  it('updates and deletes', async () => {
    const id = await createLicence({ product: 'X', namePattern: 'x*', seats: 1 });
    expect((await json(await send('PATCH', `/api/v1/licences/${id}`, { seats: 3 }))).licence.seats).toBe(3);
    expect((await send('DELETE', `/api/v1/licences/${id}`)).status).toBe(204);
    expect((await send('GET', `/api/v1/licences/${id}`)).status).toBe(404);
  });
});

describe('licence seats by model', () => {
  async function installOnHosts(hosts: number, perHost: string[]) {
    for (let i = 0; i < hosts; i++) {
      const host = await addHost(deps.db);
      await replaceHostSoftware(
        deps.db,
        host,
        perHost.map((name) => ({ name, version: '1', source: 'registry' })),
      );
    }
  }
  const compliance = async (id: string) =>
    (
      (await (await send('GET', `/api/v1/licences/${id}`)).json()) as {
        licence: { compliance: Record<string, unknown> };
      }
    ).licence.compliance;

  it('counts one seat per host per device, one per installation per seat, and none over for a site', async () => {
    await installOnHosts(3, ['Editor Pro', 'Editor Pro Viewer']);
    const device = await createLicence({
      product: 'E',
      namePattern: 'editor pro*',
      seats: 4,
      model: 'per_device',
    });
    const seat = await createLicence({
      product: 'E',
      namePattern: 'editor pro*',
      seats: 4,
      model: 'per_seat',
    });
    const site = await createLicence({ product: 'E', namePattern: 'editor pro*', seats: 0, model: 'site' });
    expect(await compliance(device)).toMatchObject({
      model: 'per_device',
      used: 3,
      unused: 1,
      overDeployed: 0,
    });
    expect(await compliance(seat)).toMatchObject({ model: 'per_seat', used: 6, unused: 0, overDeployed: 2 });
    expect(await compliance(site)).toMatchObject({ model: 'site', used: 3, unused: null, overDeployed: 0 });
    await sweepLicences(deps.db, runtime, now);
    expect((await incidentsOf('licence.compliance')).map((t) => t.resource)).toEqual([seat]);
  });

  it('routes the over-deployment ticket to N2, where admins review licences', async () => {
    await installOnHosts(2, ['Suite']);
    await createLicence({ product: 'Suite', namePattern: 'suite', seats: 1 });
    await sweepLicences(deps.db, runtime, now);
    expect(await incidentsOf('licence.compliance')).toMatchObject([{ level: 'N2', state: 'new' }]);
  });
});

describe('licences of a client-scoped technician', () => {
  it('shows only the licences of the technician’s clients, not fleet-wide ones that name every client’s hosts', async () => {
    await insertClient(deps.db, 'cli_acme', { name: 'acme', note: '', createdBy: null, now });
    const mine = await createLicence({
      product: 'Acme CAD',
      namePattern: 'cad',
      seats: 1,
      client: 'acme',
      expiresAt: T0 + DAY,
    });
    const theirs = await createLicence({
      product: 'Globex ERP',
      namePattern: 'erp',
      seats: 1,
      client: 'globex',
      expiresAt: T0 + DAY,
    });
    const fleet = await createLicence({
      product: 'Fleet AV',
      namePattern: 'av',
      seats: 1,
      expiresAt: T0 + DAY,
    });
    const tech = await createUserWithToken(deps, { name: 'scoped', role: 'n2' });
    if (!tech.ok) throw new Error('tech');
    await setUserClients(deps.db, tech.userId, ['cli_acme']);
    const as = (path: string) => app.request(path, { headers: { authorization: `Bearer ${tech.token}` } });
    const list = (await (await as('/api/v1/licences')).json()) as { licences: { id: string }[] };
    expect(list.licences.map((l) => l.id)).toEqual([mine]);
    expect((await as(`/api/v1/licences/${theirs}`)).status).toBe(404);
    expect((await as(`/api/v1/licences/${fleet}`)).status).toBe(404);
    const calendar = (await (await as('/api/v1/licences/calendar')).json()) as { items: { id: string }[] };
    expect(calendar.items.map((i) => i.id)).toEqual([mine]);
  });
});

describe('licence keys', () => {
  const KEY = 'ABCDE-FGHIJ-KLMNO-PQRST-7H2KD';

  it('stores the key whole, shows it masked, and reveals it only to admins, recording who asked', async () => {
    const res = await send('POST', '/api/v1/licences', {
      product: 'Office',
      vendor: 'Example Corp',
      namePattern: 'office*',
      seats: 10,
      key: KEY,
      cost: 1234.5,
      currency: 'EUR',
      purchasedAt: '2025-01-15',
    });
    const created = (await res.json()) as { licence: Record<string, unknown> };
    expect(created.licence).toMatchObject({
      keyMasked: '****H2KD',
      vendor: 'Example Corp',
      cost: 1234.5,
      currency: 'EUR',
      purchasedAt: Date.parse('2025-01-15'),
      model: 'per_device',
    });
    const id = created.licence.id as string;
    const listed = await (await send('GET', '/api/v1/licences')).text();
    expect(listed).not.toContain(KEY);
    expect(await (await send('GET', `/api/v1/licences/${id}`)).text()).not.toContain(KEY);

    const tech = await createUserWithToken(deps, { name: 'tech', role: 'n2' });
    if (!tech.ok) throw new Error('tech');
    const asTech = await app.request(`/api/v1/licences/${id}/key/reveal`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tech.token}` },
    });
    expect(asTech.status).toBe(403);

    now += 60_000;
    const revealed = await send('POST', `/api/v1/licences/${id}/key/reveal`);
    expect(await revealed.json()).toEqual({ id, key: KEY });
    const audit = (await (await send('GET', `/api/v1/licences/${id}/audit`)).json()) as {
      audit: { action: string; actor: string; at: number }[];
    };
    expect(audit.audit).toEqual([
      { at: now, actor: 'admin', action: 'key_revealed' },
      { at: T0, actor: 'admin', action: 'created' },
    ]);
  });

  it('masks a short key entirely and answers 404 to a reveal without a key', async () => {
    const id = await createLicence({ product: 'Tool', namePattern: 'tool', seats: 1, key: 'SHORT-1' });
    const body = (await (await send('GET', `/api/v1/licences/${id}`)).json()) as {
      licence: { keyMasked: string };
    };
    expect(body.licence.keyMasked).toBe('****');
    const none = await createLicence({ product: 'Free', namePattern: 'free', seats: 1 });
    expect((await send('POST', `/api/v1/licences/${none}/key/reveal`)).status).toBe(404);
  });
});

describe('security updates pending too long', () => {
  it('opens one N1 ticket once security updates have waited the configured age, and recovers', async () => {
    const host = await addHost(deps.db, { role: 'server' });
    const facts = { manager: 'apt', pending: 5, security: 2, rebootRequired: true };
    await recordHostUpdates(deps.db, host, facts, T0);
    await recordHostUpdates(deps.db, host, { ...facts, security: 3 }, T0 + 5 * DAY);
    await sweepSecurityUpdates(deps.db, runtime, DEFAULT_SECURITY_UPDATES_MAX_AGE_MS, T0 + 13 * DAY);
    expect(await incidentsOf('updates.security')).toHaveLength(0);
    await sweepSecurityUpdates(deps.db, runtime, DEFAULT_SECURITY_UPDATES_MAX_AGE_MS, T0 + 14 * DAY);
    await sweepSecurityUpdates(
      deps.db,
      runtime,
      DEFAULT_SECURITY_UPDATES_MAX_AGE_MS,
      T0 + 14 * DAY + 3_600_000,
    );
    const [ticket, ...more] = await incidentsOf('updates.security');
    expect(more).toHaveLength(0);
    expect(ticket).toMatchObject({ level: 'N1', severity: 'warning', host_id: host });

    await recordHostUpdates(deps.db, host, { ...facts, security: 0 }, T0 + 15 * DAY);
    await sweepSecurityUpdates(deps.db, runtime, DEFAULT_SECURITY_UPDATES_MAX_AGE_MS, T0 + 15 * DAY);
    const [after] = await incidentsOf('updates.security');
    expect(after?.recovered_at).not.toBeNull();
  });
});
