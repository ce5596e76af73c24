import { DEFAULT_POLICY } from '@vigie/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { runIncidentSweep } from '../incidents/jobs/sweep.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { addHost, addNoonPatchingWindow, sendCheck } from '../incidents/testing.js';
import { ensureClientSite } from '../tenancy/clients.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps } from '../test-support/test-hub.js';
import { createPolicyService } from './policy-service.js';

const MIN = 60_000;
const START = Date.UTC(2026, 11, 1, 12, 0);
let now = START;
let deps: HubDeps;
let runtime: IncidentRuntime;
const silence = { graceMs: 90_000, connectedGraceMs: 10 * MIN };

beforeEach(async () => {
  now = START;
  deps = await createTestDeps(() => now);
  runtime = testIncidentRuntime();
  // A daily hour of patching at noon, created for a tag no host has: by itself it covers nothing.
  await addNoonPatchingWindow(deps.db, { id: 'mw_patching', scope: 'tag', target: 'nobody' });
});

describe('maintenance windows named by a policy layer', () => {
  it('hold the faults of the hosts the layer reaches, and release them when the window ends', async () => {
    const paris = await addHost(deps.db, { site: 'paris' });
    const lyon = await addHost(deps.db, { site: 'lyon' });
    const { site } = await ensureClientSite(
      deps.db,
      { client: 'acme', site: 'paris' },
      { now, random: deps.random, by: null },
    );
    const saved = await createPolicyService(deps, DEFAULT_POLICY).save(
      { scope: 'site', target: site.id, settings: { maintenanceWindows: ['mw_patching'] } },
      { now, by: 'admin' },
    );
    expect(saved.ok).toBe(true);
    now += 10 * MIN;
    expect((await sendCheck(deps, runtime, paris, 'service.down', 'critical', 'smb')).decision).toBe('hold');
    // Lyon's policy names no window: its fault opens a ticket at once.
    expect((await sendCheck(deps, runtime, lyon, 'service.down', 'critical', 'smb')).decision).toBe('open');
    now += 20 * MIN;
    expect(await runIncidentSweep(deps.db, runtime, silence, now)).toMatchObject({ released: 0 });
    now += 31 * MIN;
    expect(await runIncidentSweep(deps.db, runtime, silence, now)).toMatchObject({ released: 1 });
    const opened = await deps.db.selectFrom('incidents').select(['host_id']).execute();
    expect(opened.map((row) => row.host_id).sort()).toEqual([lyon, paris].sort());
  });
});
