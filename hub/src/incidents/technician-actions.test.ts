import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { listIncidentEvents } from '../repositories/incident-events.js';
import { findIncident } from '../repositories/incidents.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps } from '../test-support/test-hub.js';
import type { IncidentRuntime } from './runtime.js';
import { applyTechnicianAction } from './technician-actions.js';
import { addHost, recordingNotifier, sendCheck } from './testing.js';

const START = Date.UTC(2026, 10, 25, 12, 0);
let now = START;
let deps: HubDeps;
let runtime: IncidentRuntime;

beforeEach(async () => {
  now = START;
  deps = await createTestDeps(() => now);
  runtime = testIncidentRuntime({ notifier: recordingNotifier() });
});

async function openOne(): Promise<string> {
  const host = await addHost(deps.db, { role: 'server' });
  const opened = await sendCheck(deps, runtime, host, 'fs.usage', 'warning', '/var');
  if (opened.incidentId === null) throw new Error('no incident');
  return opened.incidentId;
}

const act = (id: string, action: Parameters<typeof applyTechnicianAction>[3], user: string) =>
  deps.db.transaction().execute((trx) => applyTechnicianAction(trx, runtime, id, action, { user, now }));

describe('acknowledging (PagerDuty model)', () => {
  it('assigns an unassigned ticket to whoever acknowledged it and says so in the timeline', async () => {
    const id = await openOne();
    now += 60_000;
    expect((await act(id, { kind: 'acknowledge' }, 'alice')).ok).toBe(true);
    expect(await findIncident(deps.db, id)).toMatchObject({ state: 'acknowledged', assignee: 'alice' });
    const ack = (await listIncidentEvents(deps.db, id)).find((e) => e.kind === 'acknowledged');
    expect(JSON.parse(ack?.detail ?? '{}')).toMatchObject({ assignee: 'alice' });
  });

  it('keeps the assignee of a ticket someone already owns', async () => {
    const id = await openOne();
    expect((await act(id, { kind: 'assign', assignee: 'bob' }, 'carol')).ok).toBe(true);
    expect((await act(id, { kind: 'acknowledge' }, 'alice')).ok).toBe(true);
    expect((await findIncident(deps.db, id))?.assignee).toBe('bob');
  });

  it('leaves a reopened ticket to be acknowledged again: unassigned, new, paging restarted', async () => {
    const id = await openOne();
    expect((await act(id, { kind: 'acknowledge' }, 'alice')).ok).toBe(true);
    expect((await act(id, { kind: 'resolve' }, 'alice')).ok).toBe(true);
    now += 10 * 60_000;
    expect((await act(id, { kind: 'reopen' }, 'alice')).ok).toBe(true);
    expect(await findIncident(deps.db, id)).toMatchObject({
      state: 'new',
      assignee: null,
      acknowledged_at: null,
    });
  });
});
