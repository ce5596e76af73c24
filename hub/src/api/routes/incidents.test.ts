import { beforeEach, describe, expect, it } from 'vitest';
import { createUserWithToken } from '../../access/create-user.js';
import type { HubDeps } from '../../config/deps.js';
import { addHost, sendCheck } from '../../incidents/testing.js';
import { testIncidentRuntime } from '../../test-support/incident-runtime.js';
import { createTestDeps, testHubServices } from '../../test-support/test-hub.js';
import { createApp } from '../app.js';

let now = Date.UTC(2026, 10, 25, 12, 0);
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let tech: string;
let reader: string;

const call = (path: string, token: string, body?: unknown) =>
  app.request(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

beforeEach(async () => {
  now = Date.UTC(2026, 10, 25, 12, 0);
  deps = await createTestDeps(() => now);
  app = createApp(testHubServices(deps));
  const t = await createUserWithToken(deps, { name: 'marie', role: 'n1' });
  const r = await createUserWithToken(deps, { name: 'lecteur', role: 'readonly' });
  if (!t.ok || !r.ok) throw new Error('users');
  tech = t.token;
  reader = r.token;
});

describe('/api/v1/incidents', () => {
  it('lists by priority then age, and shows one incident with its timeline, metrics and N0 article', async () => {
    const ws = await addHost(deps.db);
    const srv = await addHost(deps.db, { role: 'server', tags: ['production'] });
    await sendCheck(deps, testIncidentRuntime(), ws, 'fs.usage', 'warning', '/');
    now += 1000;
    const { incidentId } = await sendCheck(deps, testIncidentRuntime(), srv, 'fs.usage', 'critical', '/');
    const list = (await (await call('/api/v1/incidents', reader)).json()) as { incidents: { id: string }[] };
    expect(list.incidents.map((i) => i.id)[0]).toBe(incidentId);
    const filtered = await (await call('/api/v1/incidents?level=N3', reader)).json();
    expect(filtered).toMatchObject({ incidents: [{ id: incidentId, priority: 5 }] });
    const one = await (await call(`/api/v1/incidents/${incidentId}`, reader)).json();
    expect(one).toMatchObject({
      incident: { id: incidentId },
      timeline: [{ kind: 'opened', actor: 'rule:fs.usage' }],
      metrics: [],
      kbArticle: { id: 'kb.fs.usage' },
    });
  });

  it('says when the fault cleared (recoveredAt) and lists the recovered incidents waiting to resolve', async () => {
    const ws = await addHost(deps.db);
    const runtime = testIncidentRuntime();
    const { incidentId } = await sendCheck(deps, runtime, ws, 'fs.usage', 'warning', '/');
    const other = await sendCheck(deps, runtime, ws, 'cpu.busy', 'warning');
    now += 60_000;
    await sendCheck(deps, runtime, ws, 'fs.usage', 'ok', '/');
    const waiting = await (await call('/api/v1/incidents?state=recovering', reader)).json();
    expect(waiting).toEqual({ incidents: [expect.objectContaining({ id: incidentId, recoveredAt: now })] });
    const one = await (await call(`/api/v1/incidents/${incidentId}`, reader)).json();
    expect(one).toMatchObject({ incident: { id: incidentId, state: 'new', recoveredAt: now } });
    const failing = await (await call(`/api/v1/incidents/${other.incidentId}`, reader)).json();
    expect(failing).toMatchObject({ incident: { recoveredAt: null } });
  });

  it('opens by hand and records every action with the user, refusing what does not apply', async () => {
    const created = await call('/api/v1/incidents', tech, {
      client: 'acme',
      title: 'Printer jammed, 2nd floor',
    });
    expect(created.status).toBe(201);
    const { incident } = (await created.json()) as { incident: { id: string; level: string } };
    expect(incident.level).toBe('N1');
    const id = incident.id;
    for (const [action, body] of [
      ['acknowledge', {}],
      ['assign', { assignee: 'marie' }],
      ['comment', { text: 'on my way' }],
      ['pending', { text: 'waiting for toner' }],
      ['escalate', { text: 'needs a technician on site' }],
      ['resolve', { text: 'toner replaced' }],
      ['reopen', { text: 'jammed again' }],
      ['close', {}],
    ] as const) {
      now += 1000;
      expect((await call(`/api/v1/incidents/${id}/${action}`, tech, body)).status, action).toBe(200);
    }
    const bad = await call(`/api/v1/incidents/${id}/acknowledge`, tech, {});
    expect(bad.status).toBe(409);
    expect(await bad.json()).toMatchObject({ error: { code: 'INVALID_TRANSITION' } });
    expect((await call(`/api/v1/incidents/${id}/acknowledge`, reader, {})).status).toBe(403);
    const one = (await (await call(`/api/v1/incidents/${id}`, tech)).json()) as {
      timeline: { kind: string; actor: string }[];
    };
    expect(one.timeline.map((e) => e.kind)).toEqual([
      'opened',
      'acknowledged',
      'assigned',
      'comment',
      'pending',
      'escalated',
      'resolved',
      'reopened',
      'closed',
    ]);
    expect(new Set(one.timeline.map((e) => e.actor))).toEqual(new Set(['user:marie']));
  });

  it('lists problems and the seeded knowledge-base articles', async () => {
    expect(await (await call('/api/v1/problems', reader)).json()).toEqual({ problems: [] });
    const kb = (await (await call('/api/v1/kb-articles?check=disk.smart', reader)).json()) as {
      articles: { id: string; title_fr: string }[];
    };
    expect(kb.articles).toMatchObject([{ id: 'kb.disk.smart' }]);
    const all = (await (await call('/api/v1/kb-articles', reader)).json()) as { articles: unknown[] };
    expect(all.articles).toHaveLength(14);
  });
});
