import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HUB_BIN, pollUntil, runCli, startProcess, stopAll } from '../support/processes.js';
import type { SimOptions } from './args.js';
import { defaultSimDeps, runSimulation, type Simulation, startSimulation } from './simulation.js';

interface HostView {
  id: string;
  hostname: string;
  site: string;
  online: boolean;
  health: { cpuPct: number | null } | null;
}

let dir: string;
let hubUrl: string;
let adminToken: string;
let running: Simulation | undefined;
const lines: string[] = [];

async function hosts(): Promise<HostView[]> {
  const res = await fetch(`${hubUrl}/api/v1/hosts`, { headers: { authorization: `Bearer ${adminToken}` } });
  return ((await res.json()) as { hosts: HostView[] }).hosts;
}

function simOptions(overrides: Partial<SimOptions> = {}): SimOptions {
  return {
    hubUrl,
    token: adminToken,
    agents: 20,
    intervalMs: 1000,
    durationMs: undefined,
    client: 'e2e-sim',
    sites: 2,
    credentialsFile: join(dir, 'credentials.json'),
    fresh: false,
    rampMs: 500,
    seed: 3,
    faults: [],
    progressMs: 60_000,
    jsonFile: undefined,
    enrolConcurrency: 8,
    checksEveryMs: 0,
    reportsAfterMs: 0,
    zeroMask: false,
    sampleDelta: false,
    ...overrides,
  };
}

const quietDeps = () => ({ ...defaultSimDeps(3), write: (line: string) => void lines.push(line) });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-sim-'));
  lines.length = 0;
  const db = join(dir, 'hub.db');
  const user = await runCli(HUB_BIN, ['user', 'create', 'admin', '--role', 'admin', '--db', db, '--quiet']);
  expect(user.code, user.output).toBe(0);
  adminToken = user.output.trim();
  // The simulator is one address: like the bench, lift the per-address bound on sockets awaiting
  // their hello (16), which the rerun's 20 agents opened at once would otherwise exceed (4033).
  const hub = startProcess(
    HUB_BIN,
    ['start', '--host', '127.0.0.1', '--port', '0', '--db', db, '--log-level', 'warn'],
    { VIGIE_HUB_MAX_HANDSHAKES_PER_ADDRESS: '1000' },
  );
  hubUrl = (await hub.waitFor(/listening (http:\/\/\S+)/))[1]!;
});

afterEach(async () => {
  await running?.stop('test cleanup');
  running = undefined;
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('the fleet simulator against a real hub', () => {
  it('enrols and reports 20 agents, measures send→ack, and a kill takes exactly those hosts offline', async () => {
    const started = await startSimulation(simOptions(), quietDeps());
    if (!started.ok) throw new Error(started.error);
    const sim = started.value;
    running = sim;

    const fleet = await pollUntil(
      async () => {
        const listed = await hosts();
        return listed.length === 20 && listed.every((h) => h.online && h.health) ? listed : undefined;
      },
      15_000,
      '20 hosts online with health',
    );
    expect(new Set(fleet.map((h) => h.site))).toEqual(new Set(['site-01', 'site-02']));
    await pollUntil(
      async () => (sim.stats.acked >= 60 ? true : undefined),
      15_000,
      '60 acknowledged reports',
    );

    const kill = sim.inject('kill 5');
    if (!kill.ok) throw new Error(kill.error);
    expect(kill.value.applied).toBe(5);
    const killedIds = new Set(kill.value.hosts.map((h) => h.hostId));
    const offline = await pollUntil(
      async () => {
        const down = (await hosts()).filter((h) => !h.online);
        return down.length === 5 ? down : undefined;
      },
      10_000,
      '5 hosts offline',
    );
    expect(new Set(offline.map((h) => h.id))).toEqual(killedIds);

    const summary = await sim.stop('test');
    running = undefined;
    expect(summary.connections.welcomed).toBe(20);
    expect(summary.messages.acked).toBeGreaterThanOrEqual(60);
    expect(summary.messages.metricsSent).toBeGreaterThanOrEqual(
      summary.messages.acked - summary.messages.checkStatesSent,
    );
    expect(Number.isFinite(summary.latencyMs.p99)).toBe(true);
    expect(summary.latencyMs.p99).toBeGreaterThan(0);
    expect(summary.errors).toMatchObject({ socket: 0, hubFrames: 0, closeCodes: {} });
    // Every connection sent its reports from the template, and the hub took them all.
    expect(summary.untemplatedConnections).toBe(0);
    // Its own CPU, per message sent: the load generator's cost a bench compares with the hub's.
    expect(summary.simCpu.seconds).toBeGreaterThan(0);
    expect(summary.simCpu.msPerMessage).toBeCloseTo(
      (summary.simCpu.seconds * 1000) / (summary.messages.metricsSent + summary.messages.checkStatesSent),
      1, // both are rounded in the summary
    );
    expect(summary.faults).toEqual([expect.objectContaining({ kind: 'kill', applied: 5, source: 'api' })]);

    // A rerun reads the cached credentials: no admin token needed, nothing enrolled again. It runs
    // as the ceiling bench does: frames written with a zero mask, checks at most every 5 s.
    const rerun = await runSimulation(
      simOptions({ token: undefined, durationMs: 2000, rampMs: 0, zeroMask: true, checksEveryMs: 5000 }),
      quietDeps(),
    );
    if (!rerun.ok) throw new Error(rerun.error);
    expect(rerun.value.enrolment.cached).toBe(true);
    expect(rerun.value.connections.welcomed).toBe(20);
    // Each run is a new boot: the hub stores its reports instead of taking them for resends.
    expect(rerun.value.errors.hubFrames).toBe(0);
    expect(rerun.value.errors.closeCodes).toEqual({});
    expect(rerun.value.untemplatedConnections).toBe(0);
    expect(rerun.value.messages.acked).toBeGreaterThan(0);
    expect(rerun.value.messages.acked).toBeLessThanOrEqual(
      rerun.value.messages.metricsSent + rerun.value.messages.checkStatesSent,
    );
    expect((await hosts()).length).toBe(20);

    // As the real agent: samples sent as changes once both sides said sampleDelta. The hub rebuilds
    // each whole sample before it checks and stores it: nothing refused, every host's health read,
    // and the frames are smaller than the statics-on-change ones of the run above.
    const delta = await runSimulation(
      simOptions({ token: undefined, durationMs: 3000, rampMs: 0, sampleDelta: true }),
      quietDeps(),
    );
    if (!delta.ok) throw new Error(delta.error);
    expect(delta.value.connections.welcomed).toBe(20);
    expect(delta.value.errors.hubFrames).toBe(0);
    expect(delta.value.errors.closeCodes).toEqual({});
    expect(delta.value.untemplatedConnections).toBe(0);
    expect(delta.value.messages.acked).toBeGreaterThan(20);
    expect(delta.value.messages.metricsMeanChars).toBeGreaterThan(0);
    expect(delta.value.messages.metricsMeanChars).toBeLessThan(rerun.value.messages.metricsMeanChars * 0.8);
    const healthy = (await hosts()).filter((host) => host.health?.cpuPct != null);
    expect(healthy.length).toBe(20);
  });
});
