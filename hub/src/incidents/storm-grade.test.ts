import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { insertChannel } from '../notify/channels/store.js';
import { createOutboxNotifier } from '../notify/outbox-notifier.js';
import { findIncident } from '../repositories/incidents.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps } from '../test-support/test-hub.js';
import { DEFAULT_INCIDENT_SETTINGS } from './engine/settings.js';
import { regradeOpenIncidentsForHost } from './regrade-host.js';
import type { IncidentRuntime } from './runtime.js';
import { addHost, sendCheck } from './testing.js';

// A storm ticket stands for its children like a site ticket (0026): it takes the highest grade
// among them, and whoever its most urgent child would page is paged.

const START = Date.UTC(2026, 10, 25, 12, 0);
let now = START;
let deps: HubDeps;
let runtime: IncidentRuntime;

const outbox = async () =>
  (
    await deps.db
      .selectFrom('outbox')
      .select(['delivery_key', 'channel_id'])
      .orderBy('delivery_key')
      .execute()
  ).map((r) => `${r.delivery_key} → ${r.channel_id}`);
const stormRow = async () =>
  deps.db
    .selectFrom('incidents')
    .selectAll()
    .where('group_kind', '=', 'storm')
    .where('open_key', 'is not', null)
    .executeTakeFirstOrThrow();

beforeEach(async () => {
  now = START;
  deps = await createTestDeps(() => now);
  runtime = testIncidentRuntime({
    settings: { ...DEFAULT_INCIDENT_SETTINGS, stormCap: 2 },
    notifier: createOutboxNotifier({ clock: () => now, random: deps.random }),
  });
  for (const level of ['N1', 'N3'] as const)
    await insertChannel(deps.db, {
      id: `nch_${level}`,
      name: level,
      kind: 'webhook',
      config: { url: 'https://hooks.example.com/vigie' },
      levels: [level],
      noticeKinds: ['opened', 'escalated', 'priority_raised'],
      enabled: true,
      createdAt: 0,
    });
});

describe('a storm ticket is graded by its children', () => {
  it('opens at the grade of its most urgent member and is raised to P5/N3 when a production server joins', async () => {
    // Two workstations: their own tickets (the cap is 2); the third opens the storm.
    for (let i = 0; i < 3; i += 1) {
      const host = await addHost(deps.db, { role: 'workstation' });
      await sendCheck(deps, runtime, host, 'service.down', 'critical', 'spooler');
      now += 1000;
    }
    const storm = await stormRow();
    expect(storm).toMatchObject({ host_id: null, level: 'N1' });
    const before = storm.priority;
    const server = await addHost(deps.db, { role: 'server', tags: ['production'] });
    const child = (await sendCheck(deps, runtime, server, 'service.down', 'critical', 'spooler')).incidentId;
    expect(await findIncident(deps.db, child ?? '')).toMatchObject({
      parent_id: storm.id,
      priority: 5,
      level: 'N3',
    });
    const raised = await stormRow();
    expect(raised).toMatchObject({ id: storm.id, priority: 5, level: 'N3', impact: 5 });
    expect(before).toBeLessThan(5);
    expect(await outbox()).toContain(`${storm.id}/N3 → nch_N3`);
  });

  it('takes the widest impact of its children even when their priority is not higher', async () => {
    for (let i = 0; i < 3; i += 1) {
      const host = await addHost(deps.db, { role: 'workstation' });
      await sendCheck(deps, runtime, host, 'service.down', 'critical', 'spooler');
      now += 1000;
    }
    const storm = await stormRow();
    const children = await deps.db
      .selectFrom('incidents')
      .select(['impact', 'priority', 'level'])
      .where('parent_id', '=', storm.id)
      .execute();
    for (const c of children) expect(storm.impact).toBeGreaterThanOrEqual(c.impact);
    for (const c of children) expect(storm.priority).toBeGreaterThanOrEqual(c.priority);
  });
});

describe('a child whose host becomes more important', () => {
  it('raises its storm ticket, which pages N3; the child pages nobody', async () => {
    const hosts: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const host = await addHost(deps.db, { role: 'workstation' });
      hosts.push(host);
      await sendCheck(deps, runtime, host, 'service.down', 'critical', 'spooler');
      now += 1000;
    }
    const storm = await stormRow();
    const child = await deps.db
      .selectFrom('incidents')
      .select(['id'])
      .where('parent_id', '=', storm.id)
      .executeTakeFirstOrThrow();
    const childHost = (await findIncident(deps.db, child.id))?.host_id ?? '';
    const before = await outbox();
    await deps.db
      .updateTable('hosts')
      .set({ role: 'server', tags: JSON.stringify(['production']) })
      .where('id', '=', childHost)
      .execute();
    await regradeOpenIncidentsForHost({ db: deps.db, clock: () => now, incidents: runtime }, childHost);
    expect(await findIncident(deps.db, child.id)).toMatchObject({ priority: 5, level: 'N3' });
    expect(await stormRow()).toMatchObject({ id: storm.id, priority: 5, level: 'N3' });
    const added = (await outbox()).filter((line) => !before.includes(line));
    expect(added).toEqual([`${storm.id}/N3 → nch_N3`]);
  });
});
