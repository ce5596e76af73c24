import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { setHostsBehind } from '../probes/devices.js';
import { findHost } from '../repositories/hosts.js';
import { listRuns } from '../repositories/incident-escalations.js';
import { findIncident, findOpenIncident, listOpenByCheck } from '../repositories/incidents.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps } from '../test-support/test-hub.js';
import { siteKey } from './engine/grouping.js';
import { dedupKey, hostFacts } from './facts.js';
import { handleSignal } from './handle-signal.js';
import { runIncidentSweep } from './jobs/sweep.js';
import type { IncidentRuntime } from './runtime.js';
import { applyTechnicianAction } from './technician-actions.js';
import { addHost, timelineKinds } from './testing.js';

const MIN = 60_000;
const START = Date.UTC(2026, 11, 4, 9, 0);
let now = START;
let deps: HubDeps;
let runtime: IncidentRuntime;
let device = '';
let behind: string[] = [];
const sweep = () => runIncidentSweep(deps.db, runtime, { graceMs: 90_000, connectedGraceMs: 10 * MIN }, now);
const siteSilence = async () => {
  const found = await findOpenIncident(deps.db, siteKey('acme', 'paris'));
  if (!found) throw new Error('no site silence');
  return found;
};
/** The device's probe.down as the probe judge hands it to the engine. */
const probeDown = async (state: 'critical' | 'ok') => {
  const row = await findHost(deps.db, device);
  if (!row) throw new Error('no device');
  return deps.db.transaction().execute((trx) =>
    handleSignal(
      trx,
      runtime,
      {
        key: dedupKey('acme', device, 'probe.down', 'prb_fw'),
        client: 'acme',
        site: 'paris',
        host: hostFacts(row),
        check: 'probe.down',
        resource: 'prb_fw',
        state,
        observedAt: now,
        value: 100,
        threshold: 50,
        message: 'firewall unreachable',
      },
      now,
      'hub',
    ),
  );
};

beforeEach(async () => {
  now = START;
  deps = await createTestDeps(() => now);
  runtime = testIncidentRuntime();
  device = await addHost(deps.db, { role: 'server', tags: ['production'] });
  behind = [];
  // Three servers behind the firewall, last heard 5 minutes ago: the site goes silent first.
  for (let i = 0; i < 3; i++)
    behind.push(await addHost(deps.db, { role: 'server', lastSeenAt: START - 5 * MIN }));
  await setHostsBehind(deps.db, device, behind);
  await sweep();
});

describe('a site silence opened before the device outage that explains it', () => {
  it('joins the device’s probe.down as its child when that opens, and stops paging on its own', async () => {
    const site = await siteSilence();
    expect(await listRuns(deps.db, site.id)).toMatchObject([{ level: 'N3', state: 'active' }]);
    now += MIN;
    const { incidentId } = await probeDown('critical');
    expect(await findIncident(deps.db, site.id)).toMatchObject({
      parent_id: incidentId,
      open_key: site.dedup_key,
    });
    expect(await listRuns(deps.db, site.id)).toMatchObject([{ state: 'stopped' }]);
    expect(await timelineKinds(deps.db, incidentId ?? '')).toContain('child_attached');
    expect(await timelineKinds(deps.db, site.id)).toContain('attached_to_parent');
    // Its host silences stay its children.
    expect((await listOpenByCheck(deps.db, 'host.silent')).map((i) => i.parent_id)).toEqual([
      site.id,
      site.id,
      site.id,
    ]);
  });

  it('stands alone again, paging, when the device is resolved and the hosts are still silent', async () => {
    const site = await siteSilence();
    now += MIN;
    const { incidentId } = await probeDown('critical');
    now += MIN;
    await deps.db
      .transaction()
      .execute((trx) =>
        applyTechnicianAction(trx, runtime, incidentId ?? '', { kind: 'resolve' }, { user: 'marie', now }),
      );
    expect((await findIncident(deps.db, site.id))?.parent_id).toBeNull();
    expect(await timelineKinds(deps.db, site.id)).toContain('detached_from_parent');
    expect(await listRuns(deps.db, site.id)).toMatchObject([{ state: 'active', started_at: now }]);
  });

  it('is left alone when enough of its silent hosts are not behind the device to make it silent', async () => {
    await addHost(deps.db, { role: 'server', lastSeenAt: START - 5 * MIN });
    await sweep();
    // Four silent, one behind the device: three are left, a site silence on their own.
    await setHostsBehind(deps.db, device, [behind[0] ?? '']);
    const site = await siteSilence();
    now += MIN;
    await probeDown('critical');
    expect((await findIncident(deps.db, site.id))?.parent_id).toBeNull();
  });
});
