import type { ProbeResultMessage } from '@vigie/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { siteKey } from '../incidents/engine/grouping.js';
import { dedupKey } from '../incidents/facts.js';
import { releaseHeldSignals } from '../incidents/jobs/held-release.js';
import { sweepHostSilence } from '../incidents/jobs/host-silence.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { addHost, sendCheck } from '../incidents/testing.js';
import { storeProbeResult } from '../ingest/handlers/store-probe-result.js';
import { findHeldSignal } from '../repositories/held-signals.js';
import { findOpenIncident } from '../repositories/incidents.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps } from '../test-support/test-hub.js';
import { insertDevice, setHostsBehind } from './devices.js';
import { DEFAULT_PROBE_RULES, type ProbeRules } from './rules.js';
import { insertProbe, listProbeAgents } from './store.js';

const T0 = Date.UTC(2026, 11, 4, 9, 0);
const DAY = 86_400_000;

let now = T0;
let deps: HubDeps;
let runtime: IncidentRuntime;
let device: string;
let agentA: string;
let agentB: string;
let seq = 0;

const quick: ProbeRules = {
  ...DEFAULT_PROBE_RULES,
  down: { ...DEFAULT_PROBE_RULES.down, forSec: 0, clearForSec: 0 },
};

async function addProbe(id: string, agents: string[], rules: ProbeRules = quick, kind = 'tcp') {
  await insertProbe(
    deps.db,
    {
      id,
      client: 'acme',
      site: 'paris',
      device_host_id: device,
      name: `probe ${id}`,
      kind: kind as 'tcp',
      spec: JSON.stringify({ host: '10.0.0.1', port: 443, intervalSec: 10, timeoutMs: 1000 }),
      rules: JSON.stringify(rules),
      enabled: 1,
      created_at: now,
      created_by: 'test',
      updated_at: now,
    },
    agents,
  );
}

/** One result from `host`'s agent, received now; `at` defaults to now (agent clock = hub clock). */
async function result(
  host: string,
  probeId: string,
  outcome: 'ok' | 'fail' | 'refused',
  extra: Partial<ProbeResultMessage> = {},
) {
  seq += 1;
  const message: ProbeResultMessage = {
    type: 'probeResult',
    bootId: `boot_${host}`,
    seq,
    probeId,
    at: now,
    outcome,
    method: 'tcp',
    latencyMs: outcome === 'ok' ? 1.5 : null,
    lossPct: outcome === 'fail' ? 100 : 0,
    ...extra,
  };
  await deps.db
    .transaction()
    .execute((trx) => storeProbeResult(trx, { agentId: `agt_${host}`, hostId: host }, message, now, deps));
}

/** Every probe.down incident of the device, open or not. */
const downIncidents = () =>
  deps.db
    .selectFrom('incidents')
    .selectAll()
    .where('host_id', '=', device)
    .where('check', '=', 'probe.down')
    .execute();
const downKey = (probeId: string) => dedupKey('acme', device, 'probe.down', probeId);
const setConnected = (host: string, connected: boolean) =>
  deps.db
    .updateTable('hosts')
    .set({ connected: connected ? 1 : 0 })
    .where('id', '=', host)
    .execute();

beforeEach(async () => {
  now = T0;
  deps = await createTestDeps(() => now);
  runtime = testIncidentRuntime({ settings: { ...testIncidentRuntime().settings, quietPeriodMs: 0 } });
  deps = { ...deps, incidents: runtime };
  device = await insertDevice(
    deps.db,
    deps.random,
    { hostname: 'fw-paris', client: 'acme', site: 'paris', role: 'server', tags: ['production'] },
    now,
  );
  agentA = await addHost(deps.db, { role: 'server', connected: true, lastSeenAt: now });
  agentB = await addHost(deps.db, { role: 'server', connected: true, lastSeenAt: now });
});

describe('a probe run by two agents', () => {
  it('opens one incident on the device when both agents see it fail, graded by the device', async () => {
    await addProbe('prb_1', [agentA, agentB]);
    await result(agentB, 'prb_1', 'ok');
    await result(agentA, 'prb_1', 'fail');
    expect(await findOpenIncident(deps.db, downKey('prb_1'))).toBeUndefined();
    now += 1000;
    await result(agentB, 'prb_1', 'fail');
    const incident = await findOpenIncident(deps.db, downKey('prb_1'));
    expect(incident).toMatchObject({ host_id: device, check: 'probe.down', priority: 5, level: 'N3' });
    now += 1000;
    await result(agentA, 'prb_1', 'fail');
    expect(await downIncidents()).toHaveLength(1);
  });

  it('opens nothing while one online agent still reaches the device', async () => {
    await addProbe('prb_1', [agentA, agentB]);
    for (let i = 0; i < 5; i++) {
      await result(agentB, 'prb_1', 'ok');
      await result(agentA, 'prb_1', 'fail');
      now += 10_000;
    }
    expect(await downIncidents()).toHaveLength(0);
  });

  it('judges on the agents still heard from once one of them is gone', async () => {
    await addProbe('prb_1', [agentA, agentB]);
    await result(agentB, 'prb_1', 'ok');
    await result(agentA, 'prb_1', 'fail');
    expect(await downIncidents()).toHaveLength(0);
    await setConnected(agentB, false);
    now += 10_000;
    await result(agentA, 'prb_1', 'fail');
    expect(await findOpenIncident(deps.db, downKey('prb_1'))).toBeDefined();
  });

  it('stops counting a connected agent whose results stopped coming (three intervals)', async () => {
    await addProbe('prb_1', [agentA, agentB]);
    await result(agentB, 'prb_1', 'ok');
    now += 20_000;
    await result(agentA, 'prb_1', 'fail');
    expect(await downIncidents()).toHaveLength(0);
    now += 15_000; // B's last word is 35 s old: past 3 × 10 s + the 1 s timeout.
    await result(agentA, 'prb_1', 'fail');
    expect(await findOpenIncident(deps.db, downKey('prb_1'))).toBeDefined();
  });

  it('resolves the incident when an agent reaches the device again', async () => {
    await addProbe('prb_1', [agentA, agentB]);
    await result(agentA, 'prb_1', 'fail');
    await result(agentB, 'prb_1', 'fail');
    expect(await findOpenIncident(deps.db, downKey('prb_1'))).toBeDefined();
    now += 10_000;
    await result(agentB, 'prb_1', 'ok');
    expect(await findOpenIncident(deps.db, downKey('prb_1'))).toBeUndefined();
    expect((await downIncidents())[0]).toMatchObject({ state: 'resolved' });
  });
});

describe('a probing agent gone silent', () => {
  it('opens nothing from a backlog of failures it drains after an outage', async () => {
    await addProbe('prb_1', [agentA]);
    // Results taken during a 5-minute outage arrive all at once, each older than the vote lifetime.
    for (let i = 0; i < 30; i++)
      await result(agentA, 'prb_1', 'fail', { at: now - 300_000 + i * 10_000 - 60_000 });
    expect(await downIncidents()).toHaveLength(0);
  });
});

describe('a probe result', () => {
  it('from an agent the probe is not assigned to is dropped', async () => {
    await addProbe('prb_1', [agentA]);
    await result(agentB, 'prb_1', 'fail');
    const rows = await deps.db.selectFrom('probe_results').selectAll().execute();
    expect(rows).toHaveLength(0);
    expect((await listProbeAgents(deps.db, 'prb_1')).map((a) => a.host_id)).toEqual([agentA]);
  });

  it('opens probe.latency when the agents agree the device answers slowly', async () => {
    const slow = {
      warning: { trigger: 100, clear: 50 },
      critical: null,
      forSec: 0,
      clearForSec: 0,
      direction: 'above' as const,
    };
    await addProbe('prb_1', [agentA, agentB], { ...quick, latency: slow });
    await result(agentA, 'prb_1', 'ok', { latencyMs: 150 });
    await result(agentB, 'prb_1', 'ok', { latencyMs: 20 });
    const key = dedupKey('acme', device, 'probe.latency', 'prb_1');
    expect(await findOpenIncident(deps.db, key)).toBeUndefined();
    now += 10_000;
    await result(agentB, 'prb_1', 'ok', { latencyMs: 180 });
    expect(await findOpenIncident(deps.db, key)).toMatchObject({ severity: 'warning', host_id: device });
    expect(await downIncidents()).toHaveLength(0);
  });

  it('of a disabled probe is kept as history and judges nothing', async () => {
    await addProbe('prb_1', [agentA]);
    await deps.db.updateTable('probes').set({ enabled: 0 }).where('id', '=', 'prb_1').execute();
    await result(agentA, 'prb_1', 'fail');
    expect(await deps.db.selectFrom('probe_results').selectAll().execute()).toHaveLength(1);
    expect(await downIncidents()).toHaveLength(0);
  });

  it('waits for the rule’s duration on the agent’s own clock before the fault counts', async () => {
    await addProbe('prb_1', [agentA], { ...quick, down: { ...quick.down, forSec: 30 } });
    await result(agentA, 'prb_1', 'fail');
    now += 20_000;
    await result(agentA, 'prb_1', 'fail');
    expect(await downIncidents()).toHaveLength(0);
    now += 10_000;
    await result(agentA, 'prb_1', 'fail');
    expect(await findOpenIncident(deps.db, downKey('prb_1'))).toBeDefined();
  });

  it('opens a low-priority tls.expiry ticket at the 7-day stage, once for repeated results', async () => {
    await addProbe('prb_1', [agentA], { ...quick, tlsWarnDays: 30 }, 'tls');
    await result(agentA, 'prb_1', 'ok', { method: 'tls', certNotAfter: now + 5 * DAY });
    const key = dedupKey('acme', device, 'tls.expiry', 'prb_1');
    const ticket = await findOpenIncident(deps.db, key);
    expect(ticket).toMatchObject({ severity: 'warning', priority: 2, occurrences: 1 });
    now += 60_000;
    await result(agentA, 'prb_1', 'ok', { method: 'tls', certNotAfter: now + 5 * DAY });
    expect(await findOpenIncident(deps.db, key)).toMatchObject({ id: ticket?.id, occurrences: 1 });
    // Renewed: the ticket recovers.
    await result(agentA, 'prb_1', 'ok', { method: 'tls', certNotAfter: now + 365 * DAY });
    expect(await findOpenIncident(deps.db, key)).toBeUndefined();
  });
});

describe('hosts behind a device', () => {
  it('hold their faults as inhibited while the device is down, and ticket them once it is back', async () => {
    const server = await addHost(deps.db, { role: 'server', connected: true, lastSeenAt: now });
    await setHostsBehind(deps.db, device, [server]);
    await addProbe('prb_1', [agentA]);
    await result(agentA, 'prb_1', 'fail');
    const down = await findOpenIncident(deps.db, downKey('prb_1'));
    expect(down).toBeDefined();

    const outcome = await sendCheck(deps, runtime, server, 'host.silent', 'critical');
    expect(outcome.decision).toBe('hold');
    expect(await findHeldSignal(deps.db, dedupKey('acme', server, 'host.silent', ''))).toMatchObject({
      reason: 'inhibited',
      reason_ref: down?.id,
    });

    now += 10_000;
    await result(agentA, 'prb_1', 'ok');
    await releaseHeldSignals(deps.db, runtime, now);
    expect(await findOpenIncident(deps.db, dedupKey('acme', server, 'host.silent', ''))).toBeDefined();
  });

  it('make no site silent when they all go quiet behind the down device', async () => {
    const behind = [];
    for (let i = 0; i < 3; i++) behind.push(await addHost(deps.db, { role: 'server', lastSeenAt: now }));
    await setHostsBehind(deps.db, device, behind);
    await addProbe('prb_1', [agentA]);
    await result(agentA, 'prb_1', 'fail');
    const down = await findOpenIncident(deps.db, downKey('prb_1'));
    expect(down).toBeDefined();

    now += 60_000;
    await sweepHostSilence(deps.db, runtime, { graceMs: 10_000, connectedGraceMs: 30_000 }, now);
    expect(await findOpenIncident(deps.db, siteKey('acme', 'paris'))).toBeUndefined();
    // A second sweep says nothing more: the device's timeline holds one note per host behind it.
    now += 5000;
    await sweepHostSilence(deps.db, runtime, { graceMs: 10_000, connectedGraceMs: 30_000 }, now);
    const notes = await deps.db
      .selectFrom('incident_events')
      .selectAll()
      .where('incident_id', '=', down?.id ?? '')
      .where('kind', '=', 'inhibited_occurrence')
      .execute();
    expect(notes).toHaveLength(3);
    for (const host of behind) {
      expect(await findOpenIncident(deps.db, dedupKey('acme', host, 'host.silent', ''))).toBeUndefined();
      expect(await findHeldSignal(deps.db, dedupKey('acme', host, 'host.silent', ''))).toMatchObject({
        reason_ref: down?.id,
      });
    }
  });
});
