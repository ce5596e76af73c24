import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { insertChannel } from '../notify/channels/store.js';
import { createOutboxNotifier } from '../notify/outbox-notifier.js';
import { insertPolicy } from '../repositories/escalation-policies.js';
import { listRuns } from '../repositories/incident-escalations.js';
import { findIncident } from '../repositories/incidents.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps } from '../test-support/test-hub.js';
import { runIncidentSweep } from './jobs/sweep.js';
import type { NoticeKind } from './notifier.js';
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
const row = async (id: string) => {
  const found = await findIncident(deps.db, id);
  if (!found) throw new Error(`no incident ${id}`);
  return found;
};
const outboxKeys = async () =>
  (
    await deps.db
      .selectFrom('outbox')
      .select(['delivery_key', 'channel_id'])
      .orderBy('created_at')
      .orderBy('delivery_key')
      .orderBy('channel_id')
      .execute()
  ).map((r) => `${r.delivery_key} → ${r.channel_id}`);
const channel = (id: string, levels: ('N1' | 'N2' | 'N3')[], noticeKinds: NoticeKind[]) =>
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
/** A production server's service down: P5 in N3, paged at once and again every few minutes. */
const openN3 = async () => {
  const host = await addHost(deps.db, { role: 'server', tags: ['production'] });
  const { incidentId } = await sendCheck(deps, runtime, host, 'service.down', 'critical', 'postgresql');
  return { host, id: incidentId ?? '' };
};

beforeEach(async () => {
  now = START;
  deps = await createTestDeps(() => now);
  runtime = testIncidentRuntime({
    notifier: createOutboxNotifier({ clock: () => now, random: deps.random }),
  });
  // The pager gets the opening; the archive serves N3 too but only hears resolutions; N1 nothing.
  await channel('nch_pager', ['N3'], ['opened', 'escalated']);
  await channel('nch_archive', ['N3'], ['resolved']);
  await channel('nch_n1', ['N1'], ['opened', 'escalated', 'resolved']);
  await insertPolicy(
    deps.db,
    {
      id: 'esc_n3',
      name: 'N3 critical',
      level: 'N3',
      client: '',
      steps: [
        { waitSec: 0, notify: ['N3'] },
        { waitSec: 120, notify: ['N3'], repeat: { everySec: 120, times: 5 } },
      ],
      enabled: true,
    },
    0,
  );
});

describe('a fault that clears', () => {
  it('is recovered at once, told to the channel that got the opening and no other, and pages no more', async () => {
    const { host, id } = await openN3();
    expect(await outboxKeys()).toEqual([`${id}/N3 → nch_pager`]);
    now = START + MIN;
    expect((await sendCheck(deps, runtime, host, 'service.down', 'ok', 'postgresql')).decision).toBe(
      'recovering',
    );
    expect(Number((await row(id)).recovered_at)).toBe(now);
    expect(await outboxKeys()).toEqual([`${id}/N3 → nch_pager`, `${id}/recovered/0 → nch_pager`]);
    const payload = await deps.db
      .selectFrom('outbox')
      .select('payload')
      .where('delivery_key', '=', `${id}/recovered/0`)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(payload.payload)).toMatchObject({ kind: 'recovered', state: 'new', recoveredAt: now });
    expect(await listRuns(deps.db, id)).toMatchObject([{ state: 'stopped' }]);

    // The N3 policy would have paged at +2 and +4 min: nothing is sent for a fault that is gone.
    for (const minutes of [2, 4]) {
      now = START + minutes * MIN;
      expect(await sweep()).toMatchObject({ notified: 0, resolved: 0 });
    }
    // The quiet period ends: resolved, told only to who asked for resolutions — no second page.
    now = START + 6 * MIN;
    expect(await sweep()).toMatchObject({ resolved: 1 });
    expect(await outboxKeys()).toEqual([
      `${id}/N3 → nch_pager`,
      `${id}/recovered/0 → nch_pager`,
      `${id}/resolved/1 → nch_archive`,
    ]);
  });

  it('pages again from the first step when the fault returns inside the quiet period', async () => {
    const { host, id } = await openN3();
    now = START + MIN;
    await sendCheck(deps, runtime, host, 'service.down', 'ok', 'postgresql');
    now = START + 2 * MIN;
    expect((await sendCheck(deps, runtime, host, 'service.down', 'critical', 'postgresql')).decision).toBe(
      'occurrence',
    );
    expect(await row(id)).toMatchObject({ recovered_at: null, flapping: 1 });
    expect(await listRuns(deps.db, id)).toMatchObject([{ state: 'active', next_n: 2 }]);
    now = START + 4 * MIN;
    expect(await sweep()).toMatchObject({ notified: 1 });
    expect((await outboxKeys()).filter((k) => k.includes('step-'))).toEqual([
      `${id}/N3/step-2/reopen-1 → nch_pager`,
    ]);
    // A second recovery is a new epoch: announced again, under its own key.
    now = START + 5 * MIN;
    await sendCheck(deps, runtime, host, 'service.down', 'ok', 'postgresql');
    expect((await outboxKeys()).filter((k) => k.includes('/recovered/'))).toEqual([
      `${id}/recovered/0 → nch_pager`,
      `${id}/recovered/1 → nch_pager`,
    ]);
  });

  it('announces the recovery of an owned incident and its SLA escalates nothing while the fault stays away', async () => {
    const { host, id } = await openN3();
    await deps.db
      .transaction()
      .execute((trx) =>
        applyTechnicianAction(trx, runtime, id, { kind: 'acknowledge' }, { user: 'marie', now }),
      );
    now = START + MIN;
    expect((await sendCheck(deps, runtime, host, 'service.down', 'ok', 'postgresql')).decision).toBe(
      'propose-resolution',
    );
    expect(await outboxKeys()).toContain(`${id}/recovered/0 → nch_pager`);
    // Well past the P5 time to resolve: a recovered incident is not escalated nor re-paged.
    now = START + 48 * HOUR;
    expect(await sweep()).toMatchObject({ notified: 0, escalated: 0, warned: 0 });
    expect(await timelineKinds(deps.db, id)).not.toContain('sla_breached');
    expect((await outboxKeys()).filter((k) => k.includes('sla'))).toEqual([]);
  });
});
