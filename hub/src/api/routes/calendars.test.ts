import { beforeEach, describe, expect, it } from 'vitest';
import { createUserWithToken } from '../../access/create-user.js';
import type { HubDeps } from '../../config/deps.js';
import { runIncidentSweep } from '../../incidents/jobs/sweep.js';
import { applyTechnicianAction } from '../../incidents/technician-actions.js';
import { addHost, sendCheck, timelineKinds } from '../../incidents/testing.js';
import { findIncident } from '../../repositories/incidents.js';
import { testIncidentRuntime } from '../../test-support/incident-runtime.js';
import { createTestDeps, testHubServices } from '../../test-support/test-hub.js';
import { createApp } from '../app.js';

const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);
/** Wednesday 10:00 in Paris. */
const OPENED = at('2026-11-25T10:00:00+01:00');
let now = OPENED;
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let admin: string;

const send = (method: string, path: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const mornings = (from: string, to: string) => ({
  name: 'Acme mornings',
  client: 'acme',
  timezone: 'Europe/Paris',
  hours: [{ days: [1, 2, 3, 4, 5], from, to }],
});
const row = async (id: string) => {
  const found = await findIncident(deps.db, id);
  if (!found) throw new Error('no incident');
  return found;
};
/** A server's CPU busy: P4 in N1, 30 min to own and 8 h to resolve. */
const openP4 = async () => {
  const host = await addHost(deps.db, { role: 'server' });
  return (await sendCheck(deps, testIncidentRuntime(), host, 'cpu.busy', 'warning')).incidentId ?? '';
};

beforeEach(async () => {
  now = OPENED;
  deps = await createTestDeps(() => now);
  app = createApp(testHubServices(deps));
  const a = await createUserWithToken(deps, { name: 'admin', role: 'admin' });
  if (!a.ok) throw new Error('admin');
  admin = a.token;
});

describe('/api/v1/calendars and the open incidents that run on them', () => {
  it('creating, editing and deleting a calendar moves the due times of open incidents from their start', async () => {
    const id = await openP4();
    expect(await row(id)).toMatchObject({
      sla_own_due_at: OPENED + 30 * MIN,
      sla_resolve_due_at: OPENED + 8 * 60 * MIN,
    });
    now = OPENED + 5 * MIN;
    const created = await send('POST', '/api/v1/calendars', mornings('09:00', '12:00'));
    expect(created.status).toBe(201);
    const { id: calendarId } = (await created.json()) as { id: string };
    // 8 h of 09:00–12:00 from Wednesday 10:00: 2 h + 3 h + 3 h, due Friday noon.
    expect(await row(id)).toMatchObject({
      sla_own_due_at: OPENED + 30 * MIN,
      sla_resolve_due_at: at('2026-11-27T12:00:00+01:00'),
    });

    const edited = await send('PUT', `/api/v1/calendars/${calendarId}`, mornings('11:00', '12:00'));
    expect(edited.status).toBe(200);
    expect(await row(id)).toMatchObject({
      sla_own_due_at: at('2026-11-25T11:30:00+01:00'),
      sla_resolve_due_at: at('2026-12-04T12:00:00+01:00'),
    });
    expect((await timelineKinds(deps.db, id)).filter((k) => k === 'sla_recomputed')).toHaveLength(2);

    expect((await send('DELETE', `/api/v1/calendars/${calendarId}`)).status).toBe(204);
    expect(await row(id)).toMatchObject({
      sla_own_due_at: OPENED + 30 * MIN,
      sla_resolve_due_at: OPENED + 8 * 60 * MIN,
    });
  });

  it('a breach the new hours put in the future is withdrawn, and breaches again when the new due time passes', async () => {
    const id = await openP4();
    const sweep = () =>
      runIncidentSweep(deps.db, testIncidentRuntime(), { graceMs: 90_000, connectedGraceMs: 10 * MIN }, now);
    now = OPENED + 30 * MIN;
    expect(await sweep()).toMatchObject({ escalated: 1 });
    expect(await row(id)).toMatchObject({ level: 'N2', sla_own_breached_at: now });

    now = OPENED + 40 * MIN;
    await send('POST', '/api/v1/calendars', mornings('11:00', '12:00'));
    // From 10:00 with clocks running from 11:00: 30 min to own end at 11:30, not yet passed.
    expect(await row(id)).toMatchObject({
      level: 'N2',
      sla_own_due_at: at('2026-11-25T11:30:00+01:00'),
      sla_own_breached_at: null,
      sla_warned_at: null,
    });
    const events = await deps.db
      .selectFrom('incident_events')
      .select('detail')
      .where('incident_id', '=', id)
      .where('kind', '=', 'sla_recomputed')
      .execute();
    expect(JSON.parse(events[0]?.detail ?? '{}')).toMatchObject({
      reason: 'business calendar "Acme mornings" created',
      calendar: 'Acme mornings',
      withdrawn: ['own breach'],
    });
    now = at('2026-11-25T11:29:00+01:00');
    expect(await sweep()).toMatchObject({ escalated: 0 });
    now = at('2026-11-25T11:30:00+01:00');
    expect(await sweep()).toMatchObject({ escalated: 1 });
    expect((await row(id)).sla_own_breached_at).toBe(now);
  });

  it('keeps the time spent pending out of the recomputed clocks', async () => {
    const id = await openP4();
    const act = (kind: 'pending' | 'assign') =>
      deps.db
        .transaction()
        .execute((trx) =>
          applyTechnicianAction(
            trx,
            testIncidentRuntime(),
            id,
            kind === 'assign' ? { kind, assignee: 'marie' } : { kind },
            { user: 'marie', now },
          ),
        );
    now = OPENED + 10 * MIN;
    await act('pending');
    now = OPENED + 40 * MIN;
    await act('assign');
    expect((await row(id)).sla_resolve_due_at).toBe(OPENED + 8 * 60 * MIN + 30 * MIN);
    await send('POST', '/api/v1/calendars', mornings('09:00', '12:00'));
    // 8 h of 09:00–12:00 less the 30 min pending: 1 h 30 Wednesday, 3 h Thursday and Friday,
    // the last 30 min on Monday.
    expect((await row(id)).sla_resolve_due_at).toBe(at('2026-11-30T09:30:00+01:00'));
  });

  it('leaves incidents of other clients alone', async () => {
    const id = await openP4();
    now = OPENED + 5 * MIN;
    await send('POST', '/api/v1/calendars', { ...mornings('11:00', '12:00'), client: 'globex' });
    expect((await row(id)).sla_own_due_at).toBe(OPENED + 30 * MIN);
  });
});
