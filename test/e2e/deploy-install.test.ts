import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../support/hub-fixture.js';
import { pollUntil, runCli, startProcess, stopAll } from '../support/processes.js';

interface HostView {
  id: string;
  hostname: string;
  client: string;
  online: boolean;
  health: unknown;
}

let dir: string;
let hub: TestHub;
let hubUrl: string;
const api = <T>(path: string, init?: RequestInit) => hub.api<T>(path, init);

/** Runs a shell command line; resolves with its exit code and output whatever the code. */
function sh(command: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => resolve({ code, output }));
  });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-deploy-'));
  hub = await startHub(dir, { args: ['--metrics-interval', '1'] });
  hubUrl = hub.url;
});

afterEach(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('install and enrol from the hub alone', () => {
  it('the served install.sh enrols this machine into a temporary root, and the installed agent reports', async () => {
    const created = await api<{ id: string; token: string }>('/api/v1/enrolment-tokens', {
      method: 'POST',
      body: JSON.stringify({ client: 'acme', site: 'lyon', role: 'server', maxUses: 5, ttlHours: 1 }),
    });
    expect(created.status).toBe(201);
    const commands = await api<{ commands: { linux: string } }>(
      `/api/v1/enrolment-tokens/${created.body.id}/install-commands`,
      { method: 'POST', body: JSON.stringify({ token: created.body.token }) },
    );
    expect(commands.status).toBe(200);
    const root = join(dir, 'root');
    const recorded = join(dir, 'commands.jsonl');
    // The hub's own one-liner, without sudo (the test is root or owns the temporary root).
    const line = `${commands.body.commands.linux.replace('| sudo sh', '| sh')} --root '${root}'`;

    const started = Date.now();
    const install = await sh(line, { VIGIE_INSTALL_FAKE_RUNNER: recorded });
    expect(install.code, install.output).toBe(0);
    expect(install.output).toMatch(/enrolled with .* as agent/);

    const hosts = await api<{ hosts: HostView[] }>('/api/v1/hosts');
    expect(hosts.body.hosts).toHaveLength(1);
    expect(hosts.body.hosts[0]).toMatchObject({ client: 'acme', online: false });

    const unit = readFileSync(join(root, 'etc/systemd/system/vigie-agent.service'), 'utf8');
    expect(unit).toMatch(/^RestartPreventExitStatus=78$/m);
    expect(unit).toMatch(
      /^ExecStart=".*node" "--lite-mode" "\/opt\/vigie-agent\/vigie-agent\.cjs" "run" "--config" "\/etc\/vigie\/agent\.json"$/m,
    );
    expect(statSync(join(root, 'var/lib/vigie-agent')).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'var/lib/vigie-agent/credentials.json')).mode & 0o777).toBe(0o600);
    expect(
      readFileSync(recorded, 'utf8')
        .trim()
        .split('\n')
        .map((row) => JSON.parse(row)),
    ).toEqual([
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', 'vigie-agent'],
    ]);

    // What systemd would start, with the paths moved under the temporary root.
    const installed = join(root, 'opt/vigie-agent/vigie-agent.cjs');
    const stateDir = join(root, 'var/lib/vigie-agent');
    startProcess(installed, ['run', '--config', join(root, 'etc/vigie/agent.json'), '--state-dir', stateDir]);
    const host = await pollUntil(
      async () =>
        (await api<{ hosts: HostView[] }>('/api/v1/hosts')).body.hosts.find((h) => h.online && h.health),
      30_000,
      'the installed agent reporting',
    );
    const firstReportMs = Date.now() - started;
    expect(host.client).toBe('acme');
    console.info(`install.sh to first report: ${firstReportMs} ms`);

    // The agent records its first contact in state.json shortly after the hub sees it.
    const status = await pollUntil(
      async () => {
        const run = await runCli(installed, ['status', '--state-dir', stateDir, '--root', root, '--json'], {
          VIGIE_INSTALL_FAKE_RUNNER: recorded,
        });
        const report = JSON.parse(run.output) as { lastConnectedAt?: string };
        return report.lastConnectedAt ? report : undefined;
      },
      15_000,
      'status showing the last contact',
    );
    expect(status).toMatchObject({ enrolled: true, service: { installed: true, running: false } });

    await stopAll();
    const removed = await runCli(installed, ['uninstall', '--root', root, '--purge'], {
      VIGIE_INSTALL_FAKE_RUNNER: recorded,
    });
    expect(removed.code, removed.output).toBe(0);
    expect(() => statSync(join(root, 'etc/systemd/system/vigie-agent.service'))).toThrow();
    expect(() => statSync(stateDir)).toThrow();
    expect(readFileSync(recorded, 'utf8')).toContain('["systemctl","disable","--now","vigie-agent"]');
  });

  it('a tampered download fails the checksum and installs nothing', async () => {
    const script = await (await fetch(`${hubUrl}/install.sh`)).text();
    const tampered = script.replace(/^BUNDLE_SHA256='[0-9a-f]+'$/m, `BUNDLE_SHA256='${'0'.repeat(64)}'`);
    const root = join(dir, 'root');
    const result = await sh(
      `sh -s -- --token vet_0123456789abcdef --root '${root}' <<'EOF'\n${tampered}\nEOF`,
      {},
    );
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/checksum mismatch/);
    expect(() => statSync(root)).toThrow();
  });
});
