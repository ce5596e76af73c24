import { beforeEach, describe, expect, it } from 'vitest';
import { createUserWithToken } from '../../access/create-user.js';
import type { HubDeps } from '../../config/deps.js';
import { addHost, sendCheck } from '../../incidents/testing.js';
import { testIncidentRuntime } from '../../test-support/incident-runtime.js';
import { createTestDeps, testHubServices } from '../../test-support/test-hub.js';
import { createApp } from '../app.js';

const START = Date.parse('2026-11-25T10:00:00+01:00');
let now = START;
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let admin: string;
let tech: string;
let techId: string;

const call = (method: string, path: string, token: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

beforeEach(async () => {
  now = START;
  deps = await createTestDeps(() => now);
  app = createApp(testHubServices(deps));
  const a = await createUserWithToken(deps, { name: 'admin', role: 'admin' });
  const t = await createUserWithToken(deps, { name: 'marie', role: 'n3' });
  if (!a.ok || !t.ok) throw new Error('users');
  admin = a.token;
  tech = t.token;
  techId = t.userId;
});

describe('escalation, calendars and on-call API', () => {
  it('lets admins write policies, refuses others and bad steps with shared codes', async () => {
    const policy = {
      name: 'N3 critical',
      level: 'N3',
      steps: [
        { waitSec: 0, notify: ['N3'] },
        { waitSec: 300, notify: ['N3'], repeat: { everySec: 900, times: 3 } },
      ],
    };
    expect((await call('POST', '/api/v1/escalation-policies', tech, policy)).status).toBe(403);
    const created = await call('POST', '/api/v1/escalation-policies', admin, policy);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ name: 'N3 critical', client: '', enabled: true });
    expect(await (await call('POST', '/api/v1/escalation-policies', admin, policy)).json()).toMatchObject({
      error: { code: 'CONFLICT' },
    });
    const bad = await call('POST', '/api/v1/escalation-policies', admin, {
      ...policy,
      name: 'other',
      steps: [{ waitSec: 0, notify: ['nch_missing'] }],
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const list = await (await call('GET', '/api/v1/escalation-policies', tech)).json();
    expect(list).toMatchObject({
      policies: [{ name: 'N3 critical' }],
      stock: { N3: [{ waitSec: 0 }, { waitSec: 300 }] },
    });
  });

  it('validates calendars and shows the SLA state on incidents', async () => {
    const invalid = await call('POST', '/api/v1/calendars', admin, {
      name: 'Office',
      timezone: 'Europe/Nowhere',
      hours: [{ days: [1], from: '08:00', to: '18:00' }],
    });
    expect(await invalid.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const created = await call('POST', '/api/v1/calendars', admin, {
      name: 'Office',
      client: 'acme',
      timezone: 'Europe/Paris',
      hours: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' }],
      holidays: ['2026-12-25'],
    });
    expect(created.status).toBe(201);
    const host = await addHost(deps.db, { tags: ['infrastructure'] });
    const { incidentId } = await sendCheck(deps, testIncidentRuntime(), host, 'fs.usage', 'warning', '/');
    now = START + 60 * 60_000;
    const one = await (await call('GET', `/api/v1/incidents/${incidentId}`, tech)).json();
    expect(one).toMatchObject({
      sla: {
        calendar: 'Office',
        paused: false,
        own: { targetMs: 7_200_000, elapsedPct: 50, status: 'running', dueAt: START + 7_200_000 },
        resolve: { targetMs: 86_400_000, status: 'running' },
      },
    });
    const list = await (await call('GET', '/api/v1/incidents', tech)).json();
    expect(list).toMatchObject({ incidents: [{ id: incidentId, sla: { own: { elapsedPct: 50 } } }] });
    const sla = (await (await call('GET', '/api/v1/sla', tech)).json()) as {
      warnRatio: number;
      targets: unknown[];
    };
    expect(sla.warnRatio).toBe(0.75);
    expect(sla.targets.map((t) => (t as { priority: number }).priority)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(sla.targets[1]).toMatchObject({ label: 'very high', own: '15 min', resolve: '4 h' });
  });

  it('says who is on call now, with their e-mail, and honours overrides', async () => {
    expect(
      (await call('PUT', `/api/v1/oncall/contacts/${techId}`, admin, { email: 'marie@example.com' })).status,
    ).toBe(200);
    const schedule = await call('POST', '/api/v1/oncall/schedules', admin, {
      name: 'N3 week',
      level: 'N3',
      timezone: 'Europe/Paris',
      rotation: { kind: 'weekly', startsOn: '2026-11-23', handoff: '09:00', members: [techId] },
    });
    expect(schedule.status).toBe(201);
    const { id } = (await schedule.json()) as { id: string };
    const now1 = await (await call('GET', '/api/v1/oncall/now?level=N3', tech)).json();
    expect(now1).toMatchObject({
      onCall: [
        {
          level: 'N3',
          person: { userId: techId, name: 'marie', email: 'marie@example.com', via: 'rotation' },
        },
      ],
    });
    const bad = await call('POST', '/api/v1/oncall/schedules', admin, {
      name: 'ghosts',
      level: 'N1',
      timezone: 'Europe/Paris',
      rotation: { kind: 'daily', startsOn: '2026-11-23', handoff: '09:00', members: ['usr_nobody'] },
    });
    expect(await bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const admins = await createUserWithToken(deps, { name: 'paul', role: 'n3' });
    if (!admins.ok) throw new Error('user');
    const override = await call('POST', `/api/v1/oncall/schedules/${id}/overrides`, admin, {
      userId: admins.userId,
      startsAt: START,
      endsAt: START + 3_600_000,
    });
    expect(override.status).toBe(201);
    expect(await (await call('GET', '/api/v1/oncall/now?level=N3', tech)).json()).toMatchObject({
      onCall: [{ person: { name: 'paul', via: 'override', email: null } }],
    });
    expect((await call('DELETE', `/api/v1/oncall/schedules/${id}`, tech)).status).toBe(403);
    expect((await call('DELETE', `/api/v1/oncall/schedules/${id}`, admin)).status).toBe(204);
  });
});
