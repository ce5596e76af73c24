import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { findIncident } from '../repositories/incidents.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps } from '../test-support/test-hub.js';
import { runIncidentSweep } from './jobs/sweep.js';
import type { IncidentRuntime } from './runtime.js';
import {
  addHost,
  addNoonPatchingWindow,
  openCountsByKey,
  recordingNotifier,
  sendCheck,
  timelineKinds,
} from './testing.js';

const MIN = 60_000;
const START = Date.UTC(2026, 10, 25, 12, 0);
let now = START;
let deps: HubDeps;
let notifier: ReturnType<typeof recordingNotifier>;
let runtime: IncidentRuntime;
const silence = { graceMs: 90_000, connectedGraceMs: 10 * MIN };
const sweep = () => runIncidentSweep(deps.db, runtime, silence, now);
const incident = async (id: string | null) => {
  if (id === null) throw new Error('no incident');
  const row = await findIncident(deps.db, id);
  if (!row) throw new Error(`no incident ${id}`);
  return row;
};

beforeEach(async () => {
  now = START;
  deps = await createTestDeps(() => now);
  notifier = recordingNotifier();
  runtime = testIncidentRuntime({ notifier });
});

describe('incident lifecycle', () => {
  it('opens, counts occurrences, raises priority, auto-resolves after the quiet period, closes after the grace', async () => {
    const host = await addHost(deps.db, { role: 'server' });
    const opened = await sendCheck(deps, runtime, host, 'fs.usage', 'warning', '/var');
    expect(opened.decision).toBe('open');
    expect(await incident(opened.incidentId)).toMatchObject({
      state: 'new',
      priority: 4,
      level: 'N1',
      severity: 'warning',
      kb_article_id: 'kb.fs.usage',
    });
    now += MIN;
    expect((await sendCheck(deps, runtime, host, 'fs.usage', 'warning', '/var')).incidentId).toBe(
      opened.incidentId,
    );
    now += MIN;
    await sendCheck(deps, runtime, host, 'fs.usage', 'critical', '/var');
    expect(await incident(opened.incidentId)).toMatchObject({
      occurrences: 3,
      severity: 'critical',
      priority: 4,
    });
    now += MIN;
    expect((await sendCheck(deps, runtime, host, 'fs.usage', 'ok', '/var')).decision).toBe('recovering');
    now += 4 * MIN;
    await sweep();
    expect((await incident(opened.incidentId)).state).toBe('new');
    now += MIN;
    expect(await sweep()).toMatchObject({ resolved: 1 });
    expect(await incident(opened.incidentId)).toMatchObject({
      state: 'resolved',
      resolution: 'auto',
      open_key: null,
    });
    expect(await sweep()).toMatchObject({ resolved: 0 });
    now += 24 * 60 * MIN;
    expect(await sweep()).toMatchObject({ closed: 1 });
    expect((await incident(opened.incidentId)).state).toBe('closed');
    expect(await timelineKinds(deps.db, opened.incidentId ?? '')).toEqual([
      'opened',
      'occurrence',
      'occurrence',
      'priority_raised',
      'recovery_seen',
      'resolved',
      'closed',
    ]);
    expect(notifier.notices.map((n) => [n.kind, n.deliveryKey])).toEqual([
      ['opened', `${opened.incidentId}/N1`],
      ['recovered', `${opened.incidentId}/recovered/0`],
      ['resolved', `${opened.incidentId}/resolved/1`],
    ]);
  });

  it('raises a production server fault to P5 in N3 and says so', async () => {
    const host = await addHost(deps.db, { role: 'server', tags: ['production'] });
    const { incidentId } = await sendCheck(deps, runtime, host, 'fs.usage', 'warning', '/');
    await sendCheck(deps, runtime, host, 'fs.usage', 'critical', '/');
    expect(await incident(incidentId)).toMatchObject({ priority: 5, level: 'N3' });
    expect(notifier.notices.map((n) => n.kind)).toEqual(['opened', 'priority_raised']);
    expect(notifier.notices[1]?.reason).toContain('severity rose from warning to critical');
  });

  it('only notes the recovery and proposes resolution when a technician has acted', async () => {
    const host = await addHost(deps.db);
    const { incidentId } = await sendCheck(deps, runtime, host, 'cpu.busy', 'warning');
    await deps.db.updateTable('incidents').set({ state: 'acknowledged', acknowledged_at: now }).execute();
    expect((await sendCheck(deps, runtime, host, 'cpu.busy', 'ok')).decision).toBe('propose-resolution');
    now += 60 * MIN;
    await sweep();
    expect((await incident(incidentId)).state).toBe('acknowledged');
    expect(await timelineKinds(deps.db, incidentId ?? '')).toContain('resolution_proposed');
  });

  it('reopens the same incident within the window and marks it flapping', async () => {
    const host = await addHost(deps.db);
    const { incidentId } = await sendCheck(deps, runtime, host, 'memory.pressure', 'warning');
    await sendCheck(deps, runtime, host, 'memory.pressure', 'ok');
    now += 5 * MIN;
    await sweep();
    now += 20 * MIN;
    const again = await sendCheck(deps, runtime, host, 'memory.pressure', 'warning');
    expect(again).toEqual({ decision: 'reopen', incidentId });
    expect(await incident(incidentId)).toMatchObject({
      state: 'new',
      flapping: 1,
      flaps: 1,
      resolved_at: null,
    });
    expect(notifier.notices.map((n) => n.kind)).toEqual(['opened', 'recovered', 'resolved', 'reopened']);
  });

  it('opens a new incident linked to the previous one after the window', async () => {
    const host = await addHost(deps.db);
    const first = await sendCheck(deps, runtime, host, 'memory.pressure', 'warning');
    await sendCheck(deps, runtime, host, 'memory.pressure', 'ok');
    now += 5 * MIN;
    await sweep();
    now += 31 * MIN;
    const second = await sendCheck(deps, runtime, host, 'memory.pressure', 'warning');
    expect(second.decision).toBe('open');
    expect(await incident(second.incidentId)).toMatchObject({ previous_id: first.incidentId, flapping: 0 });
    expect(await timelineKinds(deps.db, first.incidentId ?? '')).toContain('followed_by');
  });

  it('opens a problem for N2 when one key makes 3 incidents in 7 days, linking them', async () => {
    const host = await addHost(deps.db);
    const ids: (string | null)[] = [];
    for (let day = 0; day < 3; day++) {
      ids.push((await sendCheck(deps, runtime, host, 'service.down', 'critical', 'nginx')).incidentId);
      await sendCheck(deps, runtime, host, 'service.down', 'ok', 'nginx');
      now += 5 * MIN;
      await sweep();
      now += 24 * 60 * MIN;
    }
    const problems = await deps.db.selectFrom('problems').selectAll().execute();
    expect(problems).toMatchObject([
      { level: 'N2', state: 'open', incident_count: 3, check: 'service.down' },
    ]);
    const linked = await deps.db
      .selectFrom('incidents')
      .select('problem_id')
      .where('id', 'in', ids as string[])
      .execute();
    expect(linked.every((row) => row.problem_id === problems[0]?.id)).toBe(true);
  });

  it('holds a fault during a maintenance window and opens its ticket when the window ends', async () => {
    const host = await addHost(deps.db, { site: 'lyon' });
    await addNoonPatchingWindow(deps.db, { id: 'mw1', scope: 'site', target: 'acme/lyon' });
    now += 10 * MIN;
    expect((await sendCheck(deps, runtime, host, 'service.down', 'critical', 'smb')).decision).toBe('hold');
    expect(await deps.db.selectFrom('incidents').selectAll().execute()).toEqual([]);
    now += 30 * MIN;
    expect(await sweep()).toMatchObject({ released: 0 });
    now += 20 * MIN;
    expect(await sweep()).toMatchObject({ released: 1 });
    const [opened] = await deps.db.selectFrom('incidents').selectAll().execute();
    expect(opened).toMatchObject({ check: 'service.down', state: 'new' });
    expect(await timelineKinds(deps.db, opened?.id ?? '')).toEqual(['held', 'released', 'opened']);
    expect(await sweep()).toMatchObject({ released: 0 });
  });

  it('drops a fault that recovered during the window: no ticket', async () => {
    const host = await addHost(deps.db, { site: 'lyon' });
    await addNoonPatchingWindow(deps.db, { id: 'mw1', scope: 'client', target: 'acme' });
    await sendCheck(deps, runtime, host, 'service.down', 'critical', 'smb');
    await sendCheck(deps, runtime, host, 'service.down', 'ok', 'smb');
    now += 2 * 60 * MIN;
    await sweep();
    expect(await deps.db.selectFrom('incidents').selectAll().execute()).toEqual([]);
  });

  it('groups checks of one host firing together under the first one, notifying once', async () => {
    const host = await addHost(deps.db);
    const first = await sendCheck(deps, runtime, host, 'cpu.busy', 'warning');
    now += 30_000;
    const second = await sendCheck(deps, runtime, host, 'memory.pressure', 'warning');
    expect(await incident(second.incidentId)).toMatchObject({ parent_id: first.incidentId });
    expect(notifier.notices.map((n) => n.incidentId)).toEqual([first.incidentId]);
    expect(await timelineKinds(deps.db, first.incidentId ?? '')).toContain('child_attached');
  });
});

describe('host silence sweep', () => {
  it('opens one P5 N3 incident for a silent production server and inhibits its other checks', async () => {
    const host = await addHost(deps.db, { role: 'server', tags: ['production'], lastSeenAt: now - 60_000 });
    expect(await sweep()).toMatchObject({ opened: 0 });
    now += 31_000;
    expect(await sweep()).toMatchObject({ opened: 1 });
    expect(await sweep()).toMatchObject({ opened: 0 });
    const rows = await deps.db.selectFrom('incidents').selectAll().execute();
    expect(rows).toMatchObject([{ check: 'host.silent', priority: 5, level: 'N3', host_id: host }]);
    expect(notifier.notices).toMatchObject([
      { kind: 'opened', deliveryKey: `${rows[0]?.id}/N3`, priority: 5 },
    ]);

    expect((await sendCheck(deps, runtime, host, 'fs.usage', 'critical', '/')).decision).toBe('hold');
    expect(await timelineKinds(deps.db, rows[0]?.id ?? '')).toContain('inhibited_occurrence');
    expect(await deps.db.selectFrom('incidents').selectAll().execute()).toHaveLength(1);

    // Back: silence recovers, the still-failing check gets its own ticket.
    await deps.db.updateTable('hosts').set({ connected: 1, last_seen_at: now }).execute();
    expect(await sweep()).toMatchObject({ recovered: 1, released: 1 });
    now += 5 * MIN;
    expect(await sweep()).toMatchObject({ resolved: 1 });
    const open = await openCountsByKey(deps.db);
    expect([...open.keys()]).toEqual([`acme/${host}/fs.usage//`]);
  });

  it('does not count a quick reconnect as an outage', async () => {
    await addHost(deps.db, { role: 'server', lastSeenAt: now - 80_000 });
    expect(await sweep()).toMatchObject({ opened: 0 });
  });

  it('turns several silent hosts of one site into one site ticket with children', async () => {
    for (let i = 0; i < 4; i++) await addHost(deps.db, { site: 'nantes', lastSeenAt: now - 5 * MIN });
    await sweep();
    const rows = await deps.db.selectFrom('incidents').selectAll().orderBy('opened_at').execute();
    const parent = rows.find((row) => row.check === 'site.silent');
    expect(parent).toMatchObject({ level: 'N3', host_id: null });
    expect(rows.filter((row) => row.parent_id === parent?.id)).toHaveLength(4);
    expect(notifier.notices.map((n) => n.check)).toEqual(['site.silent']);
    await deps.db.updateTable('hosts').set({ connected: 1, last_seen_at: now }).execute();
    await sweep();
    now += 5 * MIN;
    await sweep();
    expect((await openCountsByKey(deps.db)).size).toBe(0);
  });
});
