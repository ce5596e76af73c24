import { mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../support/hub-fixture.js';
import { AGENT_BIN, pollUntil, runCli, startProcess, stopAll } from '../support/processes.js';

interface HostView {
  id: string;
  hostname: string;
  online: boolean;
  health: { cpuPct: number | null; memPct: number | null; diskMaxPct: number | null } | null;
}

let dir: string;
let hub: TestHub;
let hubUrl: string;
const api = <T>(path: string, init?: RequestInit) => hub.api<T>(path, init);

async function enrolAgent(stateDir: string): Promise<void> {
  const created = await api<{ token: string }>('/api/v1/enrolment-tokens', {
    method: 'POST',
    body: JSON.stringify({ client: 'e2e', site: 'lab', maxUses: 1, ttlHours: 1 }),
  });
  expect(created.status).toBe(201);
  const enrolled = await runCli(AGENT_BIN, [
    'enroll',
    '--hub',
    hubUrl,
    '--token',
    created.body.token,
    '--state-dir',
    stateDir,
  ]);
  expect(enrolled.code, enrolled.output).toBe(0);
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-'));
  hub = await startHub(dir, { args: ['--metrics-interval', '1'] });
  hubUrl = hub.url;
});

afterEach(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('a real agent reporting to a real hub', () => {
  it('shows this machine in the fleet with CPU, memory and filesystems that match the machine', async () => {
    const stateDir = join(dir, 'agent');
    await enrolAgent(stateDir);
    expect(readFileSync(join(stateDir, 'credentials.json'), 'utf8')).toContain('"agentId"');
    startProcess(AGENT_BIN, ['run', '--state-dir', stateDir]);

    const host = await pollUntil(
      async () =>
        (await api<{ hosts: HostView[] }>('/api/v1/hosts')).body.hosts.find((h) => h.online && h.health),
      30_000,
      'the host reporting health',
    );
    expect(host.health!.cpuPct).toBeGreaterThanOrEqual(0);
    expect(host.health!.cpuPct).toBeLessThanOrEqual(100);

    const detail = await api<{
      latestSample: { memory: { totalBytes: number }; filesystems: { mount: string; sizeBytes: number }[] };
    }>(`/api/v1/hosts/${host.id}`);
    const memory = detail.body.latestSample.memory;
    expect(Math.abs(memory.totalBytes - totalmem()) / totalmem()).toBeLessThan(0.01);
    const rootFs = detail.body.latestSample.filesystems.find((fs) => fs.mount === '/');
    const stat = statfsSync('/');
    expect(rootFs?.sizeBytes).toBeCloseTo(stat.blocks * stat.bsize, -6);

    // The policy asks for a sample a second: the series grows.
    const points = await pollUntil(
      async () => {
        const series = await api<{ points: unknown[] }>(`/api/v1/hosts/${host.id}/metrics`);
        return series.body.points.length >= 3 ? series.body.points : undefined;
      },
      20_000,
      'three samples in the series',
    );
    expect(points.length).toBeGreaterThanOrEqual(3);
  });

  it('refuses an agent whose secret is wrong: it exits with 78 and the host never reports', async () => {
    const stateDir = join(dir, 'agent');
    await enrolAgent(stateDir);
    const file = join(stateDir, 'credentials.json');
    const credentials = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...credentials, secret: `vgs_${'x'.repeat(43)}` }), { mode: 0o600 });

    const agent = startProcess(AGENT_BIN, ['run', '--state-dir', stateDir]);
    expect(await agent.exited(20_000)).toBe(78);
    expect(agent.output()).toMatch(/AUTH_FAILED/);
    const { body } = await api<{ hosts: HostView[] }>('/api/v1/hosts');
    expect(body.hosts).toHaveLength(1);
    expect(body.hosts[0]).toMatchObject({ online: false, health: null });
  });
});
