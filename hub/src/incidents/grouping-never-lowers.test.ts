import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { reportIncidents, serviceReport } from '../console/report/service-report.js';
import { insertChannel } from '../notify/channels/store.js';
import { createOutboxNotifier } from '../notify/outbox-notifier.js';
import { readFleetSummary } from '../repositories/fleet-summary.js';
import { listIncidentEvents } from '../repositories/incident-events.js';
import { findIncident } from '../repositories/incidents.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps } from '../test-support/test-hub.js';
import { handleCheckState } from './handle-check-state.js';
import { sweepHostSilence } from './jobs/host-silence.js';
import { listQueue } from './queue-store.js';
import type { IncidentRuntime } from './runtime.js';
import { sweepSla } from './sla/sweep-sla.js';
import { applyTechnicianAction } from './technician-actions.js';
import { addHost, sendCheck } from './testing.js';

const MIN = 60_000;
const START = Date.UTC(2026, 10, 25, 12, 0);
let now = START;
let deps: HubDeps;
let runtime: IncidentRuntime;

const row = async (id: string | null | undefined) => {
  const found = id ? await findIncident(deps.db, id) : undefined;
  if (!found) throw new Error(`no incident ${id}`);
  return found;
};
const outbox = async () =>
  (
    await deps.db
      .selectFrom('outbox')
      .select(['delivery_key', 'channel_id'])
      .orderBy('delivery_key')
      .execute()
  ).map((r) => `${r.delivery_key} → ${r.channel_id}`);
const channel = (id: string, level: 'N1' | 'N2' | 'N3') =>
  insertChannel(deps.db, {
    id,
    name: id,
    kind: 'webhook',
    config: { url: 'https://hooks.example.com/vigie' },
    levels: [level],
    noticeKinds: ['opened', 'reopened', 'escalated', 'priority_raised', 'sla_warning'],
    enabled: true,
    createdAt: 0,
  });

beforeEach(async () => {
  now = START;
  deps = await createTestDeps(() => now);
  runtime = testIncidentRuntime({
    notifier: createOutboxNotifier({ clock: () => now, random: deps.random }),
  });
  await channel('nch_n1', 'N1');
  await channel('nch_n3', 'N3');
});

describe('a critical fault grouped under a warning of the same host', () => {
  it('raises the P4 disk warning to P5 at N3, retargets its SLA and pages N3 in the same transaction', async () => {
    const server = await addHost(deps.db, { role: 'server', tags: ['production'] });
    const disk = (await sendCheck(deps, runtime, server, 'fs.usage', 'warning', '/var')).incidentId;
    const before = await row(disk);
    expect(before).toMatchObject({ priority: 4, level: 'N1', parent_id: null });
    expect(await outbox()).toEqual([`${disk}/N1 → nch_n1`]);

    now = START + MIN; // inside the 2-minute host-group window
    const down = (await sendCheck(deps, runtime, server, 'service.down', 'critical', 'postgresql'))
      .incidentId;
    const child = await row(down);
    expect(child).toMatchObject({ parent_id: disk, priority: 5, level: 'N3' });

    const parent = await row(disk);
    expect(parent).toMatchObject({ priority: 5, level: 'N3', severity: 'critical', impact: 5 });
    expect(Number(parent.sla_own_target_ms)).toBe(runtime.sla.targets[5].ownMs);
    expect(Number(parent.sla_resolve_target_ms)).toBe(runtime.sla.targets[5].resolveMs);
    expect(Number(parent.sla_own_due_at)).not.toBe(Number(before.sla_own_due_at));
    // The parent pages N3 under its `incident/level` key; the child pages nobody.
    expect(await outbox()).toEqual([`${disk}/N1 → nch_n1`, `${disk}/N3 → nch_n3`]);
    const raised = (await listIncidentEvents(deps.db, disk ?? '')).find((e) => e.kind === 'raised_by_child');
    expect(JSON.parse(raised?.detail ?? '{}')).toMatchObject({
      childId: down,
      priority: { from: 4, to: 5 },
      level: { from: 'N1', to: 'N3' },
    });
  });

  it('queues the page if and only if the raise commits', async () => {
    const server = await addHost(deps.db, { role: 'server', tags: ['production'] });
    const disk = (await sendCheck(deps, runtime, server, 'fs.usage', 'warning', '/var')).incidentId;
    now = START + MIN;
    await expect(
      deps.db.transaction().execute(async (trx) => {
        const message = {
          type: 'checkState' as const,
          bootId: 'boot_rollback_01',
          seq: 1,
          at: now,
          check: 'service.down',
          resource: 'postgresql',
          state: 'critical' as const,
          previous: 'ok' as const,
          value: null,
          threshold: null,
        };
        await handleCheckState(trx, runtime, server, message, now);
        throw new Error('commit failed');
      }),
    ).rejects.toThrow('commit failed');
    expect(await row(disk)).toMatchObject({ priority: 4, level: 'N1' });
    expect(await outbox()).toEqual([`${disk}/N1 → nch_n1`]);
  });

  it('runs the SLA on the raised parent only: the child warns and pages nobody', async () => {
    const server = await addHost(deps.db, { role: 'server', tags: ['production'] });
    const disk = (await sendCheck(deps, runtime, server, 'fs.usage', 'warning', '/var')).incidentId;
    now = START + MIN;
    const down = (await sendCheck(deps, runtime, server, 'service.down', 'critical', 'postgresql'))
      .incidentId;
    now = START + MIN + runtime.sla.targets[5].resolveMs;
    await sweepSla(deps.db, runtime, now);
    expect((await row(disk)).sla_warned_at).not.toBeNull();
    expect(await row(down)).toMatchObject({ sla_warned_at: null, sla_own_breached_at: null, level: 'N3' });
    expect((await outbox()).filter((key) => key.startsWith(`${down}/`))).toEqual([]);
  });

  it('pages nobody when a folded child reopens under its open parent', async () => {
    const server = await addHost(deps.db, { role: 'server', tags: ['production'] });
    const disk = (await sendCheck(deps, runtime, server, 'fs.usage', 'warning', '/var')).incidentId ?? '';
    now = START + MIN;
    const down =
      (await sendCheck(deps, runtime, server, 'service.down', 'critical', 'postgresql')).incidentId ?? '';
    await deps.db
      .transaction()
      .execute((trx) =>
        applyTechnicianAction(trx, runtime, down, { kind: 'resolve' }, { user: 'marie', now }),
      );
    now = START + 2 * MIN;
    expect((await sendCheck(deps, runtime, server, 'service.down', 'critical', 'postgresql')).decision).toBe(
      'reopen',
    );
    expect(await row(down)).toMatchObject({ parent_id: disk, state: 'new' });
    expect(await outbox()).toEqual([`${disk}/N1 → nch_n1`, `${disk}/N3 → nch_n3`]);
  });

  it('shows a child on its own row once its parent is no longer open', async () => {
    const server = await addHost(deps.db, { role: 'server', tags: ['production'] });
    const disk = (await sendCheck(deps, runtime, server, 'fs.usage', 'warning', '/var')).incidentId ?? '';
    now = START + MIN;
    const down = (await sendCheck(deps, runtime, server, 'service.down', 'critical', 'postgresql'))
      .incidentId;
    expect((await listQueue(deps.db, { level: 'N3', limit: 50 })).map((r) => [r.id, r.children])).toEqual([
      [disk, 1],
    ]);
    await deps.db
      .transaction()
      .execute((trx) =>
        applyTechnicianAction(trx, runtime, disk, { kind: 'resolve' }, { user: 'marie', now }),
      );
    expect((await listQueue(deps.db, { level: 'N3', limit: 50 })).map((r) => r.id)).toEqual([down]);
  });
});

describe('a site outage', () => {
  it('opens one parent at P5 for N3 when a production server is among its silent hosts, children folded', async () => {
    const lastSeenAt = START - 10 * MIN;
    const hosts = [
      await addHost(deps.db, { site: 'lyon', lastSeenAt }),
      await addHost(deps.db, { site: 'lyon', lastSeenAt }),
      await addHost(deps.db, { site: 'lyon', lastSeenAt, role: 'server', tags: ['production'] }),
      await addHost(deps.db, { site: 'lyon', lastSeenAt }),
    ];
    await sweepHostSilence(deps.db, runtime, { graceMs: 90_000, connectedGraceMs: 10 * MIN }, now);

    const incidents = await deps.db.selectFrom('incidents').selectAll().execute();
    const parent = incidents.find((i) => i.check === 'site.silent');
    expect(parent).toMatchObject({ impact: 5, priority: 5, level: 'N3', host_id: null });
    const children = incidents.filter((i) => i.check === 'host.silent');
    expect(children.map((c) => c.host_id).sort()).toEqual([...hosts].sort());
    expect(children.every((c) => c.parent_id === parent?.id)).toBe(true);

    // The workstations' silences (P2 for N1 alone) do not fill the N1 queue: they are in the parent.
    expect(await listQueue(deps.db, { level: 'N1', limit: 50 })).toEqual([]);
    const n3 = await listQueue(deps.db, { level: 'N3', limit: 50 });
    expect(n3.map((r) => [r.id, r.children])).toEqual([[parent?.id, 4]]);
    // One page, the parent's.
    expect(await outbox()).toEqual([`${parent?.id}/N3 → nch_n3`]);
  });

  it('counts the site once in the fleet figures and the service report', async () => {
    const lastSeenAt = START - 10 * MIN;
    for (let i = 0; i < 3; i++) await addHost(deps.db, { site: 'lyon', lastSeenAt });
    await addHost(deps.db, { site: 'lyon', lastSeenAt, role: 'server', tags: ['production'] });
    await sweepHostSilence(deps.db, runtime, { graceMs: 90_000, connectedGraceMs: 10 * MIN }, now);
    expect((await readFleetSummary(deps.db)).openIncidents).toMatchObject({ total: 1, byPriority: { 5: 1 } });
    const report = serviceReport(await reportIncidents(deps.db, { from: START - MIN, to: START + MIN }));
    expect(report).toMatchObject({ total: 1, byCheck: [['site.silent', 1]], byLevel: [['N3', 1]] });
  });

  it('is raised when a more urgent host joins a site ticket already open', async () => {
    const lastSeenAt = START - 10 * MIN;
    for (let i = 0; i < 3; i++) await addHost(deps.db, { site: 'lyon', lastSeenAt });
    const silence = { graceMs: 90_000, connectedGraceMs: 10 * MIN };
    await sweepHostSilence(deps.db, runtime, silence, now);
    const site = await deps.db
      .selectFrom('incidents')
      .selectAll()
      .where('check', '=', 'site.silent')
      .executeTakeFirst();
    expect(site).toMatchObject({ priority: 2, level: 'N3' });

    await addHost(deps.db, { site: 'lyon', lastSeenAt, role: 'server', tags: ['production'] });
    now = START + MIN;
    await sweepHostSilence(deps.db, runtime, silence, now);
    expect(await row(site?.id)).toMatchObject({ priority: 5, impact: 5, level: 'N3' });
    expect(await outbox()).toEqual([`${site?.id}/N3 → nch_n3`, `${site?.id}/priority_raised/5 → nch_n3`]);
  });
});
