import type { CheckSnapshotMessage, SnapshotCheck } from '@vigie/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { findHeldSignal } from '../repositories/held-signals.js';
import { findHost } from '../repositories/hosts.js';
import { listIncidentEvents } from '../repositories/incident-events.js';
import { findIncident } from '../repositories/incidents.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps } from '../test-support/test-hub.js';
import { dedupKey, hostFacts } from './facts.js';
import { handleCheckSnapshot } from './handle-check-snapshot.js';
import { handleSignal } from './handle-signal.js';
import type { IncidentRuntime } from './runtime.js';
import { addHost, addNoonPatchingWindow, sendCheck, timelineKinds } from './testing.js';

const MIN = 60_000;
const START = Date.UTC(2026, 11, 7, 9, 0);
let now = START;
let deps: HubDeps;
let runtime: IncidentRuntime;
let snapshotSeq = 0;

beforeEach(async () => {
  now = START;
  deps = await createTestDeps(() => now);
  runtime = testIncidentRuntime();
});

const entry = (check: string, state: SnapshotCheck['state'], resource?: string): SnapshotCheck => ({
  check,
  ...(resource === undefined ? {} : { resource }),
  state,
  observedAt: now,
  value: state === 'ok' ? 12 : 97,
  threshold: state === 'ok' ? null : 95,
});

function snapshot(host: string, checks: SnapshotCheck[]) {
  snapshotSeq += 1;
  const message: CheckSnapshotMessage = {
    type: 'checkSnapshot',
    bootId: 'boot_after_reboot',
    seq: snapshotSeq,
    at: now,
    complete: true,
    checks,
  };
  return deps.db.transaction().execute((trx) => handleCheckSnapshot(trx, runtime, host, message, now));
}

async function incident(id: string | null) {
  const row = id === null ? undefined : await findIncident(deps.db, id);
  if (!row) throw new Error(`no incident ${id}`);
  return row;
}

/** Opens `fs.usage` on /var for a fresh server, as the agent's checkState would before the reboot. */
async function openVar() {
  const host = await addHost(deps.db, { role: 'server' });
  const opened = await sendCheck(deps, runtime, host, 'fs.usage', 'critical', '/var');
  now += 10 * MIN;
  return { host, id: opened.incidentId };
}

describe('a check snapshot after hello', () => {
  it('marks recovering an open incident whose check it says is ok, and says why on the timeline', async () => {
    const { host, id } = await openVar();
    await snapshot(host, [entry('fs.usage', 'ok', '/var'), entry('cpu.busy', 'ok')]);
    expect(await incident(id)).toMatchObject({ state: 'new', recovered_at: now });
    expect(await timelineKinds(deps.db, id!)).toEqual(['opened', 'recovery_seen', 'recovered_by_snapshot']);
    const events = await listIncidentEvents(deps.db, id!);
    expect(JSON.parse(events.at(-1)!.detail)).toMatchObject({
      reason: 'ok',
      check: 'fs.usage',
      resource: '/var',
      bootId: 'boot_after_reboot',
    });
  });

  it('marks recovering an open incident whose check the agent no longer runs (absent)', async () => {
    const { host, id } = await openVar();
    await snapshot(host, [entry('cpu.busy', 'ok')]);
    expect((await incident(id)).recovered_at).toBe(now);
    const events = await listIncidentEvents(deps.db, id!);
    expect(JSON.parse(events.at(-1)!.detail)).toMatchObject({ reason: 'absent' });
  });

  it('leaves alone an incident whose check is pending (inside its `for` window) or still failing', async () => {
    const { host, id } = await openVar();
    await snapshot(host, [entry('fs.usage', 'pending', '/var')]);
    await snapshot(host, [entry('fs.usage', 'critical', '/var')]);
    expect(await incident(id)).toMatchObject({ recovered_at: null, occurrences: 1 });
    expect(await timelineKinds(deps.db, id!)).toEqual(['opened']);
  });

  it('never touches hub-side checks (host silent) on the same host', async () => {
    const host = await addHost(deps.db, { role: 'server' });
    const row = await findHost(deps.db, host);
    const silent = await deps.db.transaction().execute((trx) =>
      handleSignal(
        trx,
        runtime,
        {
          key: dedupKey('acme', host, 'host.silent', ''),
          client: 'acme',
          site: 'paris',
          host: hostFacts(row!),
          check: 'host.silent',
          resource: '',
          state: 'critical',
          observedAt: now,
          value: null,
          threshold: null,
          message: null,
        },
        now,
        'hub',
      ),
    );
    now += MIN;
    await snapshot(host, []);
    expect((await incident(silent.incidentId)).recovered_at).toBeNull();
  });

  it('only proposes resolution of an incident a technician acknowledged, once', async () => {
    const { host, id } = await openVar();
    await deps.db.updateTable('incidents').set({ state: 'acknowledged', acknowledged_at: now }).execute();
    await snapshot(host, [entry('fs.usage', 'ok', '/var')]);
    now += MIN;
    await snapshot(host, [entry('fs.usage', 'ok', '/var')]);
    expect(await incident(id)).toMatchObject({ state: 'acknowledged', resolved_at: null });
    expect(await timelineKinds(deps.db, id!)).toEqual([
      'opened',
      'resolution_proposed',
      'recovered_by_snapshot',
    ]);
  });

  it('says nothing new when the same truth comes again (a reconnect)', async () => {
    const { host, id } = await openVar();
    await snapshot(host, []);
    now += MIN;
    await snapshot(host, []);
    expect(await timelineKinds(deps.db, id!)).toEqual(['opened', 'recovery_seen', 'recovered_by_snapshot']);
  });

  it('opens a fault it states that nothing tracks yet, and never counts a tracked one twice', async () => {
    const host = await addHost(deps.db, { role: 'server' });
    const first = await snapshot(host, [entry('fs.usage', 'critical', '/var')]);
    expect(first).toMatchObject([{ decision: 'open', reason: 'stated' }]);
    now += MIN;
    await snapshot(host, [entry('fs.usage', 'critical', '/var')]);
    expect(await incident(first[0]!.incidentId)).toMatchObject({ occurrences: 1, recovered_at: null });
  });

  it('releases a signal held during maintenance that it says is ok', async () => {
    now = Date.UTC(2026, 11, 7, 12, 10);
    const host = await addHost(deps.db, { role: 'server' });
    await addNoonPatchingWindow(deps.db, { id: 'mw_1', scope: 'host', target: host });
    expect((await sendCheck(deps, runtime, host, 'fs.usage', 'critical', '/var')).decision).toBe('hold');
    const key = dedupKey('acme', host, 'fs.usage', '/var');
    now += MIN;
    expect(await snapshot(host, [entry('fs.usage', 'ok', '/var')])).toMatchObject([
      { decision: 'release-hold', key, reason: 'ok' },
    ]);
    expect(await findHeldSignal(deps.db, key)).toBeUndefined();
  });

  it('ignores a hub-side check an agent claims in its snapshot', async () => {
    const host = await addHost(deps.db, { role: 'server' });
    expect(await snapshot(host, [entry('licence.expiry', 'critical')])).toEqual([]);
  });
});
