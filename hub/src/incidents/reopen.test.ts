import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { insertChannel } from '../notify/channels/store.js';
import { createOutboxNotifier } from '../notify/outbox-notifier.js';
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
const START = Date.UTC(2026, 10, 25, 12, 0);
let now = START;
let deps: HubDeps;
let runtime: IncidentRuntime;
const sweep = () => runIncidentSweep(deps.db, runtime, { graceMs: 90_000, connectedGraceMs: 10 * MIN }, now);
const row = async (id: string) => {
  const found = await findIncident(deps.db, id);
  if (!found) throw new Error(`no incident ${id}`);
  return found;
};
const act = async (id: string, action: TechnicianAction) => {
  const result = await deps.db
    .transaction()
    .execute((trx) => applyTechnicianAction(trx, runtime, id, action, { user: 'marie', now }));
  if (!result.ok) throw new Error(result.message);
};
const outboxKeys = async () =>
  (
    await deps.db.selectFrom('outbox').select(['delivery_key', 'channel_id']).orderBy('created_at').execute()
  ).map((r) => `${r.delivery_key} → ${r.channel_id}`);
let host = '';
/** A production server's service down: P5 in N3, 15 min to own. */
const openN3 = async () =>
  (await sendCheck(deps, runtime, host, 'service.down', 'critical', 'postgresql')).incidentId ?? '';

beforeEach(async () => {
  now = START;
  deps = await createTestDeps(() => now);
  runtime = testIncidentRuntime({
    notifier: createOutboxNotifier({ clock: () => now, random: deps.random }),
  });
  await insertChannel(deps.db, {
    id: 'nch_n3',
    name: 'n3',
    kind: 'webhook',
    config: { url: 'https://hooks.example.com/vigie' },
    levels: ['N3'],
    noticeKinds: ['opened', 'escalated', 'sla_warning', 'reopened', 'resolved'],
    enabled: true,
    createdAt: 0,
  });
  await insertPolicy(
    deps.db,
    {
      id: 'esc_n3',
      name: 'N3 critical',
      level: 'N3',
      client: '',
      steps: [
        { waitSec: 0, notify: ['N3'] },
        { waitSec: 300, notify: ['N3'], repeat: { everySec: 900, times: 3 } },
      ],
      enabled: true,
    },
    0,
  );
  host = await addHost(deps.db, { role: 'server', tags: ['production'] });
});

describe('reopening', () => {
  it('a technician reopening an acknowledged incident pages again from the first step, with new delivery keys', async () => {
    const id = await openN3();
    now = START + 5 * MIN;
    expect(await sweep()).toMatchObject({ notified: 1 });
    now = START + 6 * MIN;
    await act(id, { kind: 'acknowledge' });
    now = START + 10 * MIN;
    await act(id, { kind: 'resolve', text: 'restarted postgresql' });

    const reopenedAt = START + 30 * MIN;
    now = reopenedAt;
    await act(id, { kind: 'reopen', text: 'down again' });
    expect(await row(id)).toMatchObject({ state: 'new', acknowledged_at: null });
    expect(await listRuns(deps.db, id)).toMatchObject([
      { id: `${id}/N3`, state: 'active', next_n: 2, next_at: reopenedAt + 5 * MIN, started_at: reopenedAt },
    ]);
    now = reopenedAt + 5 * MIN;
    expect(await sweep()).toMatchObject({ notified: 1 });
    expect((await outboxKeys()).filter((k) => k.includes('/step-'))).toEqual([
      `${id}/N3/step-2 → nch_n3`,
      `${id}/N3/step-2/reopen-1 → nch_n3`,
    ]);
    expect(await outboxKeys()).toContain(`${id}/reopened/1 → nch_n3`);
  });

  it('restarts both SLA clocks from the reopen time: the time to own runs again and breaches', async () => {
    const id = await openN3();
    now = START + 2 * MIN;
    await act(id, { kind: 'acknowledge' });
    now = START + 20 * MIN;
    expect(await sweep()).toMatchObject({ escalated: 0 });
    await act(id, { kind: 'resolve' });
    const reopenedAt = START + 60 * MIN;
    now = reopenedAt;
    await act(id, { kind: 'reopen' });
    expect(await row(id)).toMatchObject({
      sla_own_due_at: reopenedAt + 15 * MIN,
      sla_resolve_due_at: reopenedAt + 4 * 60 * MIN,
      sla_own_breached_at: null,
      sla_warned_at: null,
    });
    now = reopenedAt + 15 * MIN;
    // At N3 there is no level above: N3 is told again that the time to own passed.
    expect(await sweep()).toMatchObject({ escalated: 1 });
    expect((await row(id)).sla_own_breached_at).toBe(now);
    expect(await outboxKeys()).toContain(`${id}/N3/sla-own/reopen-1 → nch_n3`);
  });

  it('the fault coming back within the window restarts the policy of an incident someone had acknowledged', async () => {
    const id = await openN3();
    now = START + MIN;
    await act(id, { kind: 'acknowledge' });
    now = START + 2 * MIN;
    await act(id, { kind: 'resolve' });
    now = START + 10 * MIN;
    expect(await sendCheck(deps, runtime, host, 'service.down', 'critical', 'postgresql')).toEqual({
      decision: 'reopen',
      incidentId: id,
    });
    expect(await row(id)).toMatchObject({ state: 'new', acknowledged_at: null, flapping: 1 });
    now = START + 15 * MIN;
    expect(await sweep()).toMatchObject({ notified: 1 });
    expect(await outboxKeys()).toContain(`${id}/N3/step-2/reopen-1 → nch_n3`);
    expect((await timelineKinds(deps.db, id)).filter((k) => k === 'escalation_notified')).toHaveLength(1);
  });

  it('each reopening and each resolution is its own delivery', async () => {
    const id = await openN3();
    for (const minutes of [1, 20]) {
      now = START + minutes * MIN;
      await act(id, { kind: 'resolve' });
      now += MIN;
      await act(id, { kind: 'reopen' });
    }
    now += MIN;
    await act(id, { kind: 'resolve' });
    const keys = await outboxKeys();
    expect(keys.filter((k) => k.includes('/reopened/'))).toEqual([
      `${id}/reopened/1 → nch_n3`,
      `${id}/reopened/2 → nch_n3`,
    ]);
    expect(keys.filter((k) => k.includes('/resolved/'))).toEqual([
      `${id}/resolved/1 → nch_n3`,
      `${id}/resolved/2 → nch_n3`,
      `${id}/resolved/3 → nch_n3`,
    ]);
  });
});
