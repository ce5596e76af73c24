import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { insertChannel } from '../notify/channels/store.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps } from '../test-support/test-hub.js';
import { runIncidentSweep } from './jobs/sweep.js';
import { listChildrenOf, listQueue, unpagedEscalations } from './queue-store.js';
import type { IncidentRuntime } from './runtime.js';
import { applyTechnicianAction } from './technician-actions.js';
import { addHost, recordingNotifier, sendCheck } from './testing.js';

const MIN = 60_000;
const START = Date.UTC(2026, 11, 7, 9, 0);
let now = START;
let deps: HubDeps;
let runtime: IncidentRuntime;

beforeEach(async () => {
  now = START;
  deps = await createTestDeps(() => now);
  runtime = testIncidentRuntime({ notifier: recordingNotifier() });
});

describe('a queue', () => {
  it('folds a site outage into one row and lists its children in one read', async () => {
    const lastSeenAt = START - 10 * MIN;
    for (let i = 0; i < 3; i += 1) await addHost(deps.db, { site: 'lyon', lastSeenAt });
    await runIncidentSweep(deps.db, runtime, { graceMs: 90_000, connectedGraceMs: 10 * MIN }, now);
    const rows = await listQueue(deps.db, { limit: 50 });
    expect(rows.map((r) => [r.check, r.children])).toEqual([['site.silent', 3]]);
    const children = await listChildrenOf(deps.db, [rows[0]?.id ?? '']);
    const folded = children.get(rows[0]?.id ?? '') ?? [];
    expect(folded).toHaveLength(3);
    expect(folded.every((c) => c.hostname?.startsWith('host-') && c.state === 'new')).toBe(true);
  });

  it('sorts by priority, by the SLA that runs out first, or by age', async () => {
    const workstation = await addHost(deps.db, { role: 'workstation' });
    const server = await addHost(deps.db, { role: 'server', tags: ['production'] });
    const old = await sendCheck(deps, runtime, workstation, 'fs.usage', 'warning', '/var');
    now += 5 * MIN;
    const urgent = await sendCheck(deps, runtime, server, 'fs.usage', 'critical', '/srv');
    const ids = async (sort?: 'priority' | 'sla' | 'age') =>
      (await listQueue(deps.db, { limit: 50, sort })).map((r) => r.id);
    expect(await ids()).toEqual([urgent.incidentId, old.incidentId]);
    expect(await ids('age')).toEqual([old.incidentId, urgent.incidentId]);
    // The urgent ticket's time to own is shorter: it runs out first although it opened later.
    expect(await ids('sla')).toEqual([urgent.incidentId, old.incidentId]);
  });
});

describe('escalations nobody is paged for', () => {
  it('are counted by level until a channel serves that level', async () => {
    const host = await addHost(deps.db, { role: 'workstation' });
    const opened = await sendCheck(deps, runtime, host, 'fs.usage', 'warning', '/var');
    const id = opened.incidentId ?? '';
    await deps.db
      .transaction()
      .execute((trx) =>
        applyTechnicianAction(trx, runtime, id, { kind: 'escalate' }, { user: 'alice', now }),
      );
    expect(await unpagedEscalations(deps.db, undefined)).toEqual([{ level: 'N2', count: 1 }]);
    await insertChannel(deps.db, {
      id: 'nch_n2',
      name: 'n2',
      kind: 'webhook',
      config: { url: 'https://hooks.example.com/vigie' },
      levels: ['N2'],
      noticeKinds: ['escalated'],
      enabled: true,
      createdAt: 0,
    });
    expect(await unpagedEscalations(deps.db, undefined)).toEqual([]);
  });
});
