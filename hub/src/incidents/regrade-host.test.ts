import { beforeEach, describe, expect, it } from 'vitest';
import { createUserWithToken } from '../access/create-user.js';
import { createApp } from '../api/app.js';
import type { HubDeps } from '../config/deps.js';
import { insertChannel } from '../notify/channels/store.js';
import { createOutboxNotifier } from '../notify/outbox-notifier.js';
import { listRuns } from '../repositories/incident-escalations.js';
import { findIncident } from '../repositories/incidents.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps, testHubServices } from '../test-support/test-hub.js';
import { regradeOpenIncidentsForHost } from './regrade-host.js';
import { applyTechnicianAction } from './technician-actions.js';
import { addHost, sendCheck } from './testing.js';

const MIN = 60_000;
const START = Date.UTC(2026, 10, 25, 12, 0);
let now = START;
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let admin: string;

const row = async (id: string) => {
  const found = await findIncident(deps.db, id);
  if (!found) throw new Error('no incident');
  return found;
};
const patchHost = (hostId: string, body: unknown) =>
  app.request(`/api/v1/hosts/${hostId}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify(body),
  });
const regradedEvents = async (id: string) =>
  (
    await deps.db
      .selectFrom('incident_events')
      .select(['detail', 'actor'])
      .where('incident_id', '=', id)
      .where('kind', '=', 'regraded')
      .execute()
  ).map((e) => ({ actor: e.actor, ...JSON.parse(e.detail) }));
const outboxKeys = async () =>
  (await deps.db.selectFrom('outbox').select(['delivery_key', 'channel_id']).execute()).map(
    (r) => `${r.delivery_key} → ${r.channel_id}`,
  );

beforeEach(async () => {
  now = START;
  const base = await createTestDeps(() => now);
  deps = {
    ...base,
    incidents: testIncidentRuntime({
      notifier: createOutboxNotifier({ clock: () => now, random: base.random }),
    }),
  };
  app = createApp(testHubServices(deps));
  const a = await createUserWithToken(deps, { name: 'admin', role: 'admin' });
  if (!a.ok) throw new Error('admin');
  admin = a.token;
  for (const level of ['N1', 'N3'] as const)
    await insertChannel(deps.db, {
      id: `nch_${level}`,
      name: level,
      kind: 'webhook',
      config: { url: 'https://hooks.example.com/vigie' },
      levels: [level],
      noticeKinds: ['opened', 'escalated'],
      enabled: true,
      createdAt: 0,
    });
});

describe('a host whose role or tags change re-grades its open incidents', () => {
  it('a workstation made a production server through the API: its service down goes from P2 in N1 to P5 in N3', async () => {
    const host = await addHost(deps.db);
    const runtime = deps.incidents;
    const { incidentId } = await sendCheck(deps, runtime, host, 'service.down', 'critical', 'nginx');
    const id = incidentId ?? '';
    expect(await row(id)).toMatchObject({ priority: 2, level: 'N1', sla_own_due_at: START + 8 * 60 * MIN });

    now = START + 10 * MIN;
    expect((await patchHost(host, { role: 'server', tags: ['production'] })).status).toBe(200);
    expect(await row(id)).toMatchObject({
      impact: 5,
      priority: 5,
      level: 'N3',
      // 15 min to own at P5, 10 of them already used.
      sla_own_due_at: START + 15 * MIN,
    });
    expect(await regradedEvents(id)).toEqual([
      {
        actor: 'system',
        reason: 'host updated by admin: server, tags production',
        cause: 'host updated by admin',
        role: 'server',
        tags: ['production'],
        impact: { from: 1, to: 5 },
        priority: { from: 2, to: 5 },
        level: { from: 'N1', to: 'N3' },
        route: 'production service down',
      },
    ]);
    expect(await outboxKeys()).toEqual([`${id}/N1 → nch_N1`, `${id}/N3 → nch_N3`]);
    expect(await listRuns(deps.db, id)).toMatchObject([{ level: 'N3', state: 'active' }]);
  });

  it('a production server made a workstation: lowered to P2 in N1, its N3 paging stopped', async () => {
    const host = await addHost(deps.db, { role: 'server', tags: ['production'] });
    const runtime = deps.incidents;
    const id = (await sendCheck(deps, runtime, host, 'service.down', 'critical', 'nginx')).incidentId ?? '';
    expect(await row(id)).toMatchObject({ priority: 5, level: 'N3' });
    expect(await patchHost(host, { role: 'workstation', tags: [] })).toMatchObject({ status: 200 });
    expect(await row(id)).toMatchObject({ priority: 2, level: 'N1' });
    expect(await listRuns(deps.db, id)).toMatchObject([{ level: 'N3', state: 'stopped' }]);
    expect((await outboxKeys()).filter((k) => k.includes('N1'))).toEqual([]);
  });

  it('keeps a level a technician escalated to, and leaves a tag change that grades nothing differently alone', async () => {
    const host = await addHost(deps.db, { role: 'server', tags: ['production'] });
    const runtime = deps.incidents;
    const id = (await sendCheck(deps, runtime, host, 'cpu.busy', 'warning')).incidentId ?? '';
    expect(await row(id)).toMatchObject({ priority: 4, level: 'N1' });
    await deps.db
      .transaction()
      .execute((trx) =>
        applyTechnicianAction(trx, runtime, id, { kind: 'escalate' }, { user: 'marie', now }),
      );
    expect(await regradeOpenIncidentsForHost(deps, host)).toEqual({ open: 1, regraded: 0 });
    expect(await patchHost(host, { role: 'workstation', tags: ['label-only'] })).toMatchObject({
      status: 200,
    });
    expect(await row(id)).toMatchObject({ priority: 2, level: 'N2' });
  });
});
