import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrolWithCli } from '../support/agent-process.js';
import { startHub, type TestHub } from '../support/hub-fixture.js';
import { AGENT_BIN, pollUntil, runCli, startProcess, stopAll } from '../support/processes.js';

// A policy change made on the hub reaches a real, connected agent within seconds, and the agent
// keeps it: after a restart with the hub down it runs with the last policy it received.

let dir: string;
let hub: TestHub;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-policy-live-'));
  // The hub's own defaults: one sample every 30 s, so a faster series can only come from the push.
  hub = await startHub(dir, { args: ['--metrics-interval', '30'] });
});

afterEach(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

async function enrolAndRun(stateDir: string): Promise<{ hostId: string; clientId: string }> {
  const { clientId } = await enrolWithCli(hub, stateDir, { client: 'live', role: 'server' });
  startProcess(AGENT_BIN, ['run', '--state-dir', stateDir]);
  const host = await pollUntil(
    async () =>
      (await hub.api<{ hosts: Array<{ id: string; online: boolean }> }>('/api/v1/hosts')).body.hosts.find(
        (h) => h.online,
      ),
    30_000,
    'the agent online',
  );
  // Connected means welcomed: the agent saved the welcome's policy (the hub's 30 s, revision 0).
  await pollUntil(async () => savedRevision(stateDir) === 0 || undefined, 20_000, 'the welcome policy saved');
  return { hostId: host.id, clientId };
}

function savedRevision(stateDir: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(join(stateDir, 'policy.json'), 'utf8')) as { revision: number }).revision;
  } catch {
    return undefined;
  }
}

const samples = async (hostId: string) =>
  (await hub.api<{ points: Array<{ at: number }> }>(`/api/v1/hosts/${hostId}/metrics`)).body.points;

describe('a live policy change', () => {
  it('reaches the connected agent within seconds: a faster interval and a lower threshold show in what it sends', async () => {
    const stateDir = join(dir, 'agent');
    const { hostId, clientId } = await enrolAndRun(stateDir);
    const before = await hub.api<{ policy: { metricsIntervalSec: number }; revision: number }>(
      `/api/v1/hosts/${hostId}/effective-policy`,
    );
    expect(before.body).toMatchObject({ revision: 0, policy: { metricsIntervalSec: 30 } });
    const countBefore = (await samples(hostId)).length;

    // Host layer: one sample a second.
    const changedAt = Date.now();
    const saved = await hub.api<{ pushedTo: number; revision: number }>(`/api/v1/policies/hosts/${hostId}`, {
      method: 'PUT',
      body: JSON.stringify({ metricsIntervalSec: 1 }),
    });
    expect(saved.body).toEqual({ layer: expect.anything(), revision: 1, pushedTo: 1 });
    // Five more samples would take two and a half minutes at 30 s; at 1 s they take about five.
    await pollUntil(
      async () => ((await samples(hostId)).length >= countBefore + 5 ? true : undefined),
      20_000,
      'five more samples at the pushed interval',
    );
    const intervalMs = Date.now() - changedAt;
    console.log(`[measure] pushed interval visible in the series after ${intervalMs} ms (5 samples)`);
    // The agent saved it in its state directory.
    await pollUntil(
      async () => savedRevision(stateDir) === 1 || undefined,
      10_000,
      'policy.json at revision 1',
    );

    // Client layer: cpu.busy warns above 0 % at once, so the agent reports a transition now.
    const thresholdAt = Date.now();
    const lowered = await hub.api<{ pushedTo: number }>(`/api/v1/policies/clients/${clientId}`, {
      method: 'PUT',
      body: JSON.stringify({
        checks: { 'cpu.busy': { warning: { trigger: 0, clear: 0 }, critical: null, forSec: 0 } },
      }),
    });
    expect(lowered.body.pushedTo).toBe(1);
    const incident = await pollUntil(
      async () => (await hub.incidents(hostId, 'cpu.busy'))[0],
      20_000,
      'a cpu.busy incident from the pushed threshold',
    );
    console.log(`[measure] pushed threshold → incident after ${Date.now() - thresholdAt} ms`);
    expect(incident).toMatchObject({ check: 'cpu.busy', severity: 'warning' });
    const effective = await hub.api<{ revision: number; sources: Record<string, string> }>(
      `/api/v1/hosts/${hostId}/effective-policy`,
    );
    expect(effective.body.revision).toBe(2);
    expect(effective.body.sources).toMatchObject({
      '/metricsIntervalSec': `host:${hostId}`,
      '/checks/cpu.busy/warning/trigger': `client:${clientId}`,
    });
  });

  it('is applied by the agent when it starts again while the hub is down', async () => {
    const stateDir = join(dir, 'agent');
    const { hostId } = await enrolAndRun(stateDir);
    await hub.api(`/api/v1/policies/hosts/${hostId}`, {
      method: 'PUT',
      body: JSON.stringify({ metricsIntervalSec: 2, processesIntervalSec: 45 }),
    });
    await pollUntil(
      async () => savedRevision(stateDir) === 1 || undefined,
      10_000,
      'policy.json at revision 1',
    );
    await stopAll();
    // Hub stopped too: the agent cannot reach it, yet schedules its cycles from the saved policy.
    const agent = startProcess(AGENT_BIN, ['run', '--state-dir', stateDir]);
    await agent.waitFor(/"metricsSec":2,"slowSec":45,[^\n]*"revision":1,[^\n]*"msg":"schedules set"/, 20_000);
    const status = await runCli(AGENT_BIN, ['status', '--state-dir', stateDir]);
    expect(status.output).toMatch(/policy revision:\s+1\n/);
  });
});
