import { beforeEach, describe, expect, it } from 'vitest';
import { createUserWithToken } from '../../access/create-user.js';
import { createApp } from '../../api/app.js';
import type { HubDeps } from '../../config/deps.js';
import { revokeHostAgents } from '../../repositories/agents.js';
import { listHeldSignals } from '../../repositories/held-signals.js';
import { listIncidentEvents } from '../../repositories/incident-events.js';
import { listOpenByCheck } from '../../repositories/incidents.js';
import { testIncidentRuntime } from '../../test-support/incident-runtime.js';
import { createTestDeps, enrolTestAgent, testHubServices } from '../../test-support/test-hub.js';
import type { IncidentRuntime } from '../runtime.js';
import { sendCheck } from '../testing.js';
import { runIncidentSweep } from './sweep.js';

const MIN = 60_000;
const START = Date.UTC(2026, 10, 25, 12, 0);
let now = START;
let deps: HubDeps;
let runtime: IncidentRuntime;
const sweep = () => runIncidentSweep(deps.db, runtime, { graceMs: 90_000, connectedGraceMs: 10 * MIN }, now);
/** An enrolled host last heard 5 minutes ago, disconnected. */
const quietHost = async (name: string) => {
  const { hostId } = await enrolTestAgent(deps, name, `fp-${name}`);
  await deps.db
    .updateTable('hosts')
    .set({ last_seen_at: START - 5 * MIN, connected: 0 })
    .where('id', '=', hostId)
    .execute();
  return hostId;
};
const silentHosts = async () => (await listOpenByCheck(deps.db, 'host.silent')).map((i) => i.host_id);
const lastEvent = async (id: string) => (await listIncidentEvents(deps.db, id)).at(-1);

beforeEach(async () => {
  now = START;
  deps = await createTestDeps(() => now);
  runtime = testIncidentRuntime();
});

describe('a revoked host is never silent', () => {
  it('opens host.silent for a quiet host, not for a quiet host whose agent was revoked', async () => {
    const kept = await quietHost('pc-kept');
    const gone = await quietHost('pc-gone');
    await revokeHostAgents(deps.db, gone, START - MIN);
    await sweep();
    expect(await silentHosts()).toEqual([kept]);
    now += 10 * MIN;
    await sweep();
    expect(await silentHosts()).toEqual([kept]);
  });

  it('revoked while silent: the sweep resolves its host.silent with "agent revoked" and drops the faults it held', async () => {
    const host = await quietHost('pc-stolen');
    await sweep();
    const [silence] = await listOpenByCheck(deps.db, 'host.silent');
    expect(silence?.host_id).toBe(host);
    // A fault reported while the host is silent is held behind the silence (inhibited).
    expect((await sendCheck(deps, runtime, host, 'fs.usage', 'critical', '/')).decision).toBe('hold');

    now += MIN;
    await revokeHostAgents(deps.db, host, now);
    await sweep();
    expect(await silentHosts()).toEqual([]);
    expect(await lastEvent(silence?.id ?? '')).toMatchObject({ kind: 'resolved', actor: 'system' });
    expect(JSON.parse((await lastEvent(silence?.id ?? ''))?.detail ?? '{}')).toEqual({
      resolution: 'auto',
      reason: 'agent revoked',
    });
    expect(await listHeldSignals(deps.db, 'inhibited')).toEqual([]);
    now += 10 * MIN;
    await sweep();
    expect(
      await deps.db.selectFrom('incidents').select('check').where('open_key', 'is not', null).execute(),
    ).toEqual([]);
  });

  it('POST /hosts/:id/revoke resolves the silence at once', async () => {
    const app = createApp(testHubServices(deps));
    const admin = await createUserWithToken(deps, { name: 'admin', role: 'admin' });
    if (!admin.ok) throw new Error('admin');
    const host = await quietHost('pc-lost');
    await sweep();
    const [silence] = await listOpenByCheck(deps.db, 'host.silent');
    const res = await app.request(`/api/v1/hosts/${host}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(res.status).toBe(200);
    expect(await silentHosts()).toEqual([]);
    expect(JSON.parse((await lastEvent(silence?.id ?? ''))?.detail ?? '{}')).toMatchObject({
      reason: 'agent revoked',
    });
  });
});
