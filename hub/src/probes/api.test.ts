import type { EnrolResponse } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUserWithToken } from '../access/create-user.js';
import { createApp } from '../api/app.js';
import type { HubDeps } from '../config/deps.js';
import { handleSignal } from '../incidents/handle-signal.js';
import { incidentTitle } from '../incidents/text/render.js';
import { findHost } from '../repositories/hosts.js';
import { listIncidentEvents } from '../repositories/incident-events.js';
import { findOpenIncident } from '../repositories/incidents.js';
import type { RunningHub } from '../server.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import {
  createTestDeps,
  enrolTestAgent,
  helloFor,
  jsonRequest,
  startTestHub,
  testHubServices,
  userToken,
} from '../test-support/test-hub.js';
import { connectPeer } from '../test-support/ws-peer.js';
import { deviceSignal } from './device-signal.js';
import { findProbe, updateProbe } from './store.js';

let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let admin: string;
let technician: string;
let agent: EnrolResponse;

const call = (method: string, path: string, body?: unknown, token = admin) =>
  jsonRequest(app, token, method, path, body);

async function json<T>(response: Response, status: number): Promise<T> {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
}

const tcpProbe = (device: string, overrides: Record<string, unknown> = {}) => ({
  device,
  name: 'firewall https',
  agents: [agent.hostId],
  kind: 'tcp',
  host: '10.0.0.1',
  port: 443,
  ...overrides,
});

async function siteWithDevice(): Promise<string> {
  await json(
    await call('PUT', '/api/v1/probes/allowlist', { client: 'acme', site: 'paris', allow: ['10.0.0.0/24'] }),
    200,
  );
  const device = await json<{ id: string }>(
    await call('POST', '/api/v1/devices', {
      hostname: 'fw-paris',
      client: 'acme',
      site: 'paris',
      tags: ['production', 'infrastructure'],
    }),
    201,
  );
  return device.id;
}

/** As if the agents had agreed the probe is down and the engine had opened the ticket; its key. */
async function probeDown(device: string, probe: string): Promise<string> {
  const row = await findHost(deps.db, device);
  const probeRow = await findProbe(deps.db, probe);
  if (!row || !probeRow) throw new Error('no device or probe');
  const signal = deviceSignal(row, probeRow, 'probe.down', {
    state: 'critical',
    observedAt: 0,
    value: 100,
    threshold: null,
    message: null,
  });
  await deps.db.transaction().execute(async (trx) => {
    const runtime = testIncidentRuntime({
      settings: { ...testIncidentRuntime().settings, quietPeriodMs: 0 },
    });
    await handleSignal(trx, runtime, signal, Date.now(), 'hub');
    await updateProbe(trx, probe, { down_state: 'critical' });
  });
  return signal.key;
}

beforeEach(async () => {
  deps = await createTestDeps();
  app = createApp(testHubServices(deps));
  admin = await userToken(deps, 'admin', 'admin');
  technician = await userToken(deps, 'tech', 'n3');
  agent = await enrolTestAgent(deps);
});

describe('/api/v1/devices and /api/v1/probes', () => {
  it('are for admins only', async () => {
    expect((await call('GET', '/api/v1/probes', undefined, technician)).status).toBe(403);
    expect((await call('GET', '/api/v1/devices', undefined, technician)).status).toBe(403);
    expect((await call('PUT', '/api/v1/probes/allowlist', {}, technician)).status).toBe(403);
  });

  it('adds a device as a host of kind device, with its role and tags', async () => {
    const id = await siteWithDevice();
    const device = await json<Record<string, unknown>>(await call('GET', `/api/v1/devices/${id}`), 200);
    expect(device).toMatchObject({
      kind: 'device',
      hostname: 'fw-paris',
      role: 'server',
      tags: ['production', 'infrastructure'],
      probes: [],
    });
    const host = await deps.db.selectFrom('hosts').selectAll().where('id', '=', id).executeTakeFirst();
    expect(host).toMatchObject({ kind: 'device', last_seen_at: null, connected: 0 });
  });

  it('refuses a device on a site with no agent to probe from', async () => {
    const body = await json<{ error: { code: string } }>(
      await call('POST', '/api/v1/devices', { hostname: 'nas', client: 'acme', site: 'lyon' }),
      400,
    );
    expect(body.error.code).toBe('VALIDATION_FAILED');
  });

  it('creates a probe with the stock rules and lists it under its device', async () => {
    const device = await siteWithDevice();
    const probe = await json<Record<string, unknown>>(
      await call('POST', '/api/v1/probes', tcpProbe(device)),
      201,
    );
    expect(probe).toMatchObject({
      device,
      kind: 'tcp',
      spec: { kind: 'tcp', host: '10.0.0.1', port: 443, intervalSec: 30, timeoutMs: 5000 },
      rules: { down: { critical: { trigger: 50, clear: 0 }, forSec: 60 }, latency: null, tlsWarnDays: 30 },
      agents: [agent.hostId],
      state: { down: 'ok', latency: 'ok' },
    });
    expect(probe.id).toMatch(/^prb_/);
    const listed = await json<{ probes: unknown[] }>(
      await call('GET', `/api/v1/probes?device=${device}`),
      200,
    );
    expect(listed.probes).toHaveLength(1);
  });

  it('keeps a dns probe’s query apart from the probe’s own name', async () => {
    const device = await siteWithDevice();
    const { host: _host, port: _port, ...rest } = tcpProbe(device);
    const body = { ...rest, name: 'intranet resolves', kind: 'dns', query: 'intranet.lan' };
    const probe = await json<Record<string, unknown>>(await call('POST', '/api/v1/probes', body), 201);
    expect(probe).toMatchObject({
      name: 'intranet resolves',
      spec: { kind: 'dns', query: 'intranet.lan', recordType: 'A' },
    });
  });

  it('refuses a target outside the site allowlist with TARGET_NOT_ALLOWED, naming it', async () => {
    const device = await siteWithDevice();
    const body = await json<{ error: { code: string; details: { refused: string[] } } }>(
      await call('POST', '/api/v1/probes', tcpProbe(device, { host: '192.168.1.1' })),
      422,
    );
    expect(body.error.code).toBe('TARGET_NOT_ALLOWED');
    expect(body.error.details.refused).toEqual(['192.168.1.1']);
    const http = await json<{ error: { code: string } }>(
      await call(
        'POST',
        '/api/v1/probes',
        tcpProbe(device, { kind: 'http', url: 'http://169.254.169.254/latest/meta-data/', host: undefined }),
      ),
      422,
    );
    expect(http.error.code).toBe('TARGET_NOT_ALLOWED');
  });

  it('refuses agents that are not on the device’s site, and bodies that are not probes', async () => {
    const device = await siteWithDevice();
    const stranger = await json<{ error: { code: string } }>(
      await call('POST', '/api/v1/probes', tcpProbe(device, { agents: [device] })),
      400,
    );
    expect(stranger.error.code).toBe('VALIDATION_FAILED');
    for (const bad of [
      { kind: 'smtp' },
      { port: 0 },
      { host: '-oProxyCommand=x' },
      { rules: { down: { forSec: 1 } } },
    ])
      expect((await call('POST', '/api/v1/probes', tcpProbe(device, bad))).status, JSON.stringify(bad)).toBe(
        400,
      );
  });

  it('keeps each agent under five probe runs a second, so the hub’s message rate never cuts it off', async () => {
    const device = await siteWithDevice();
    for (let i = 0; i < 5; i++)
      await json(
        await call('POST', '/api/v1/probes', tcpProbe(device, { name: `p${i}`, intervalSec: 1 })),
        201,
      );
    const refused = await json<{ error: { code: string; details: { message: string }[] } }>(
      await call('POST', '/api/v1/probes', tcpProbe(device, { name: 'one too many', intervalSec: 1 })),
      400,
    );
    expect(refused.error.details[0]?.message).toMatch(/6\.0 probes a second/);
  });

  it('names the device and the probe kind in a probe.down title, not the probe id', async () => {
    const device = await siteWithDevice();
    const probe = await json<{ id: string }>(await call('POST', '/api/v1/probes', tcpProbe(device)), 201);
    const incident = await findOpenIncident(deps.db, await probeDown(device, probe.id));
    if (!incident) throw new Error('no probe.down ticket');
    expect(incidentTitle(incident, 'fr')).toBe(
      'Équipement injoignable : fw-paris (sonde TCP « firewall https »)',
    );
    expect(incidentTitle(incident, 'en')).toBe('Device unreachable: fw-paris (TCP probe "firewall https")');
    expect(incident.title).not.toMatch(/prb_/);
  });

  it('resolves what a probe left open when it is disabled', async () => {
    const device = await siteWithDevice();
    const probe = await json<{ id: string }>(await call('POST', '/api/v1/probes', tcpProbe(device)), 201);
    const key = await probeDown(device, probe.id);
    expect(await findOpenIncident(deps.db, key)).toBeDefined();
    await json(await call('PATCH', `/api/v1/probes/${probe.id}`, { enabled: false }), 200);
    const incident = await deps.db
      .selectFrom('incidents')
      .selectAll()
      .where('dedup_key', '=', key)
      .executeTakeFirst();
    expect(incident?.recovered_at).not.toBeNull();
  });

  it('re-grades the open incidents of a device whose role or tags change, and says why in their timeline', async () => {
    const device = await siteWithDevice();
    const probe = await json<{ id: string }>(await call('POST', '/api/v1/probes', tcpProbe(device)), 201);
    const key = await probeDown(device, probe.id);
    const before = await findOpenIncident(deps.db, key);
    // A production server down: the top of the matrix, straight to N3.
    expect(before).toMatchObject({ priority: 5, level: 'N3' });
    await json(await call('PATCH', `/api/v1/devices/${device}`, { role: 'workstation', tags: [] }), 200);
    const after = await findOpenIncident(deps.db, key);
    expect(after?.id).toBe(before?.id);
    expect(Number(after?.priority)).toBeLessThan(Number(before?.priority));
    expect(after?.level).not.toBe('N3');
    const regraded = (await listIncidentEvents(deps.db, before?.id ?? '')).filter(
      (e) => e.kind === 'regraded',
    );
    expect(regraded).toHaveLength(1);
    expect(JSON.parse(regraded[0]?.detail ?? '{}')).toMatchObject({
      reason: expect.stringContaining('device updated by admin'),
      priority: { from: before?.priority, to: after?.priority },
      level: { from: 'N3', to: after?.level },
    });
  });

  it('deletes a probe and a device', async () => {
    const device = await siteWithDevice();
    const probe = await json<{ id: string }>(await call('POST', '/api/v1/probes', tcpProbe(device)), 201);
    expect((await call('DELETE', `/api/v1/probes/${probe.id}`)).status).toBe(204);
    expect((await call('GET', `/api/v1/probes/${probe.id}`)).status).toBe(404);
    expect((await call('DELETE', `/api/v1/devices/${device}`)).status).toBe(204);
    expect((await call('GET', `/api/v1/devices/${device}`)).status).toBe(404);
  });
});

describe('probes on the agents’ socket', () => {
  let hub: RunningHub;
  afterEach(async () => hub?.close());

  async function hubWithProbe() {
    hub = await startTestHub();
    const user = await createUserWithToken(hub.deps, { name: 'admin', role: 'admin' });
    if (!user.ok) throw new Error('user');
    const api = (method: string, path: string, body: unknown) =>
      fetch(`${hub.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
        body: JSON.stringify(body),
      });
    const capable = await enrolTestAgent(hub.deps, 'srv-new-01', 'a1a2a3a4a5a6a7a8a9a0b1b2b3b4b5b6');
    const old = await enrolTestAgent(hub.deps, 'srv-old-01', 'c1c2c3c4c5c6c7c8c9c0d1d2d3d4d5d6');
    await api('PUT', '/api/v1/probes/allowlist', { client: 'acme', site: 'paris', allow: ['127.0.0.1'] });
    const device = (await (
      await api('POST', '/api/v1/devices', { hostname: 'nas', client: 'acme', site: 'paris' })
    ).json()) as { id: string };
    return { api, capable, old, device: device.id };
  }

  it('sends probes after welcome and on change to an agent that announced them', async () => {
    const { api, capable, device } = await hubWithProbe();
    const peer = await connectPeer(hub.url);
    peer.send(
      helloFor(capable, {
        capabilities: ['probes'],
        fingerprint: 'a1a2a3a4a5a6a7a8a9a0b1b2b3b4b5b6',
        hostname: 'srv-new-01',
      }),
    );
    expect((await peer.next()).type).toBe('welcome');
    expect(await peer.next()).toEqual({ type: 'probes', allow: ['127.0.0.1'], probes: [] });
    const created = await api('POST', '/api/v1/probes', {
      device,
      name: 'nas smb',
      agents: [capable.hostId],
      kind: 'tcp',
      host: '127.0.0.1',
      port: 445,
    });
    expect(created.status).toBe(201);
    const pushed = await peer.next();
    expect(pushed).toMatchObject({ type: 'probes', probes: [{ kind: 'tcp', host: '127.0.0.1', port: 445 }] });
    peer.socket.close();
  });

  it('never sends them to an agent that did not announce them', async () => {
    const { api, old, device } = await hubWithProbe();
    const peer = await connectPeer(hub.url);
    peer.send(helloFor(old, { fingerprint: 'c1c2c3c4c5c6c7c8c9c0d1d2d3d4d5d6', hostname: 'srv-old-01' }));
    expect((await peer.next()).type).toBe('welcome');
    await api('POST', '/api/v1/probes', {
      device,
      name: 'nas smb',
      agents: [old.hostId],
      kind: 'tcp',
      host: '127.0.0.1',
      port: 445,
    });
    // The next thing it hears is the ack of its own message: no `probes` came before it.
    peer.send({ type: 'metricsGap', bootId: 'boot_test_0001', seq: 1, from: 1, to: 2, count: 2 });
    expect(await peer.next()).toMatchObject({ type: 'ack', seq: 1 });
    peer.socket.close();
  });
});
