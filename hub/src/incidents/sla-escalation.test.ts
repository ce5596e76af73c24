import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { insertChannel } from '../notify/channels/store.js';
import { createOutboxNotifier } from '../notify/outbox-notifier.js';
import { insertCalendar } from '../repositories/business-calendars.js';
import { insertPolicy } from '../repositories/escalation-policies.js';
import { listRuns } from '../repositories/incident-escalations.js';
import { findIncident } from '../repositories/incidents.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps } from '../test-support/test-hub.js';
import type { TechnicianAction } from './engine/actions.js';
import { runIncidentSweep } from './jobs/sweep.js';
import type { IncidentRuntime } from './runtime.js';
import { applyTechnicianAction } from './technician-actions.js';
import { addHost, sendCheck, timelineKinds } from './testing.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = Date.UTC(2026, 10, 25, 12, 0);
let now = START;
let deps: HubDeps;
let runtime: IncidentRuntime;
const silence = { graceMs: 90_000, connectedGraceMs: 10 * MIN };
const sweep = () => runIncidentSweep(deps.db, runtime, silence, now);
const row = async (id: string | null) => {
  const found = id === null ? undefined : await findIncident(deps.db, id);
  if (!found) throw new Error(`no incident ${id}`);
  return found;
};
const act = (id: string, action: TechnicianAction) =>
  deps.db
    .transaction()
    .execute((trx) => applyTechnicianAction(trx, runtime, id, action, { user: 'marie', now }));
const outboxKeys = async () =>
  (
    await deps.db.selectFrom('outbox').select(['delivery_key', 'channel_id']).orderBy('created_at').execute()
  ).map((r) => `${r.delivery_key} → ${r.channel_id}`);
const channel = (
  id: string,
  levels: ('N1' | 'N2' | 'N3')[],
  noticeKinds: ('opened' | 'escalated' | 'sla_warning' | 'resolved')[] = [
    'opened',
    'escalated',
    'sla_warning',
  ],
) =>
  insertChannel(deps.db, {
    id,
    name: id,
    kind: 'webhook',
    config: { url: 'https://hooks.example.com/vigie' },
    levels,
    noticeKinds,
    enabled: true,
    createdAt: 0,
  });
/** An infrastructure box's disk warning: P3 (urgency 3 × impact 3), routed to N1. */
const openP3 = async () => {
  const host = await addHost(deps.db, { tags: ['infrastructure'] });
  return (await sendCheck(deps, runtime, host, 'fs.usage', 'warning', '/')).incidentId ?? '';
};
/** A production server's service down: P5 in N3. */
const openN3 = async () => {
  const host = await addHost(deps.db, { role: 'server', tags: ['production'] });
  return (await sendCheck(deps, runtime, host, 'service.down', 'critical', 'postgresql')).incidentId ?? '';
};

beforeEach(async () => {
  now = START;
  deps = await createTestDeps(() => now);
  runtime = testIncidentRuntime({
    notifier: createOutboxNotifier({ clock: () => now, random: deps.random }),
  });
  await channel('nch_n1', ['N1']);
  await channel('nch_n2', ['N2']);
  await channel('nch_n3', ['N3']);
  // The N3 lead hears only what a policy step sends it by name.
  await channel('nch_lead', ['N1'], ['resolved']);
});

describe('SLA clocks', () => {
  it('warns an unacknowledged P3 at 75 % of its time to own, then escalates it to N2 at 100 %', async () => {
    const id = await openP3();
    expect(await row(id)).toMatchObject({ priority: 3, level: 'N1', sla_own_due_at: START + 2 * HOUR });
    now = START + 89 * MIN;
    expect(await sweep()).toMatchObject({ warned: 0, escalated: 0 });
    now = START + 90 * MIN;
    expect(await sweep()).toMatchObject({ warned: 1, escalated: 0 });
    expect(await sweep()).toMatchObject({ warned: 0, escalated: 0 });
    expect((await row(id)).sla_warned_at).toBe(now);

    now = START + 2 * HOUR;
    expect(await sweep()).toMatchObject({ escalated: 1 });
    expect(await sweep()).toMatchObject({ escalated: 0 });
    expect(await row(id)).toMatchObject({ level: 'N2', escalated_at: now, sla_own_breached_at: now });
    expect(await outboxKeys()).toEqual([
      `${id}/N1 → nch_n1`,
      `${id}/sla_warning/own/1 → nch_n1`,
      `${id}/N2 → nch_n2`,
    ]);
    const events = await deps.db
      .selectFrom('incident_events')
      .selectAll()
      .where('incident_id', '=', id)
      .execute();
    expect(events.map((e) => e.kind)).toEqual(['opened', 'sla_warning', 'escalated']);
    expect(JSON.parse(events[2]?.detail ?? '{}')).toMatchObject({
      reason: 'time to own of P3 (2 h) passed at N1',
      level: { from: 'N1', to: 'N2' },
    });
  });

  it('pending pauses the clocks: they move on by the time spent pending', async () => {
    const id = await openP3();
    now = START + HOUR;
    await act(id, { kind: 'pending', text: 'waiting for the user' });
    now = START + 3 * HOUR;
    expect(await sweep()).toMatchObject({ warned: 0, escalated: 0 });
    await act(id, { kind: 'assign', assignee: 'marie' });
    expect(await row(id)).toMatchObject({
      sla_paused_since: null,
      sla_paused_ms: 2 * HOUR,
      sla_resolve_due_at: START + 26 * HOUR,
      sla_resolve_warn_at: START + 20 * HOUR,
    });
    now = START + 20 * HOUR - 1;
    expect(await sweep()).toMatchObject({ warned: 0 });
    now = START + 20 * HOUR;
    expect(await sweep()).toMatchObject({ warned: 1 });
    now = START + 26 * HOUR;
    expect(await sweep()).toMatchObject({ escalated: 1 });
    expect((await row(id)).level).toBe('N2');
  });

  it('runs only in business hours: opened Friday 17:50 with 30 min to own in 8–18 Mon–Fri is due Monday 08:20', async () => {
    await insertCalendar(
      deps.db,
      {
        id: 'cal_office',
        name: 'Office',
        client: 'acme',
        site: '',
        timezone: 'Europe/Paris',
        hours: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' }],
        holidays: [],
      },
      0,
    );
    now = Date.parse('2026-11-27T17:50:00+01:00');
    const host = await addHost(deps.db, { role: 'server' });
    const { incidentId } = await sendCheck(deps, runtime, host, 'cpu.busy', 'warning');
    expect(await row(incidentId)).toMatchObject({
      priority: 4,
      sla_own_due_at: Date.parse('2026-11-30T08:20:00+01:00'),
    });
    now = Date.parse('2026-11-29T23:00:00+01:00');
    expect(await sweep()).toMatchObject({ escalated: 0 });
    now = Date.parse('2026-11-30T08:20:00+01:00');
    expect(await sweep()).toMatchObject({ escalated: 1 });
  });

  it('never escalates twice when two sweeps run at the same instant', async () => {
    const id = await openP3();
    now = START + 2 * HOUR;
    const reports = await Promise.all([sweep(), sweep()]);
    expect(reports.reduce((n, r) => n + r.escalated, 0)).toBe(1);
    expect((await row(id)).level).toBe('N2');
    expect((await outboxKeys()).filter((k) => k.startsWith(`${id}/N2`))).toEqual([`${id}/N2 → nch_n2`]);
  });
});

describe('escalation policies', () => {
  beforeEach(async () => {
    await insertPolicy(
      deps.db,
      {
        id: 'esc_n3',
        name: 'N3 critical',
        level: 'N3',
        client: '',
        steps: [
          { waitSec: 0, notify: ['N3'] },
          { waitSec: 300, notify: ['N3', 'nch_lead'], repeat: { everySec: 900, times: 3 } },
        ],
        enabled: true,
      },
      0,
    );
  });

  it('repeats the N3 notices until someone acknowledges, then stops', async () => {
    const id = await openN3();
    expect(await outboxKeys()).toEqual([`${id}/N3 → nch_n3`]);
    now = START + 5 * MIN;
    expect(await sweep()).toMatchObject({ notified: 1 });
    now = START + 20 * MIN;
    expect(await sweep()).toMatchObject({ notified: 1 });
    expect((await outboxKeys()).filter((k) => k.includes('/step-'))).toEqual([
      `${id}/N3/step-2 → nch_n3`,
      `${id}/N3/step-2 → nch_lead`,
      `${id}/N3/step-3 → nch_n3`,
      `${id}/N3/step-3 → nch_lead`,
    ]);
    now = START + 25 * MIN;
    await act(id, { kind: 'acknowledge' });
    for (const minutes of [35, 50, 65]) {
      now = START + minutes * MIN;
      expect(await sweep()).toMatchObject({ notified: 0 });
    }
    expect((await outboxKeys()).filter((k) => k.includes('/step-'))).toHaveLength(4);
    expect(await listRuns(deps.db, id)).toMatchObject([{ id: `${id}/N3`, state: 'stopped', next_n: 4 }]);
    expect((await timelineKinds(deps.db, id)).filter((k) => k === 'escalation_notified')).toHaveLength(2);
  });

  it('sends each policy notice once when two sweeps claim at the same instant', async () => {
    const id = await openN3();
    now = START + 5 * MIN;
    const reports = await Promise.all([sweep(), sweep(), sweep()]);
    expect(reports.reduce((n, r) => n + r.notified, 0)).toBe(1);
    expect((await timelineKinds(deps.db, id)).filter((k) => k === 'escalation_notified')).toHaveLength(1);
  });

  it('runs through every repeat, then the run is done', async () => {
    const id = await openN3();
    await act(id, { kind: 'comment', text: 'looking' });
    for (const minutes of [5, 20, 35, 50, 65]) {
      now = START + minutes * MIN;
      await sweep();
    }
    expect((await outboxKeys()).filter((k) => k.endsWith('nch_lead'))).toHaveLength(4);
    expect(await listRuns(deps.db, id)).toMatchObject([{ state: 'done' }]);
  });
});
