import { access, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandRunner } from '../install/command-runner.js';
import type { Command } from '../install/windows-service.js';
import { SILENT_LOG } from '../logger.js';
import { cli } from './cli.js';
import type { CliContext } from './context.js';

const TOKEN = 'vet_0123456789abcdef';
let root: string;
let hubUrl: string;
let enrolments: number;
let closeHub: () => Promise<void>;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigie-install-'));
  enrolments = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      enrolments += 1;
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ agentId: 'agt_0123456789', secret: 's'.repeat(43), hostId: 'host_7' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeHub = () => new Promise<void>((resolve) => server.close(() => resolve()));
});
afterEach(async () => {
  await closeHub();
  await rm(root, { recursive: true, force: true });
});

function harness(
  options: { isRoot?: boolean; active?: boolean; windows?: { serviceWrapper?: string } } = {},
) {
  const commands: Command[] = [];
  const out = { stdout: '', stderr: '' };
  const runner: CommandRunner = async (command) => {
    commands.push(command);
    if (command[1] === 'is-active')
      return options.active
        ? { code: 0, stdout: 'active\n', stderr: '' }
        : { code: 3, stdout: 'inactive\n', stderr: '' };
    return { code: 0, stdout: '', stderr: '' };
  };
  const ctx: CliContext = {
    io: {
      stdout: (text) => {
        out.stdout += text;
      },
      stderr: (text) => {
        out.stderr += text;
      },
      env: {},
      isRoot: options.isRoot ?? false,
      homeDir: root,
      readConfigFile: async (path) => readFile(path, 'utf8').catch(() => undefined),
      clock: Date.now,
      random: () => 0.5,
      onStopSignal: () => () => {},
      logger: () => SILENT_LOG,
    },
    wiring: {
      sampler: () => ({ collect: async () => ({ at: 1 }) }),
      inventory: () => ({ collect: async () => 'x', hash: () => 'h', toChunks: () => [] }),
      fingerprint: async () => ({ ok: true, fingerprint: 'f'.repeat(64), sources: ['machine-id'] }),
      hostInfo: async () => ({
        hostname: 'pc-test-01',
        os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1', arch: 'x64' },
      }),
    },
    service: {
      platform: options.windows ? 'win32' : 'linux',
      runner,
      node: '/usr/bin/node',
      artefact: { kind: 'script', path: join(root, 'vigie-agent.mjs'), node: '/usr/bin/node' },
      ...(options.windows?.serviceWrapper !== undefined && {
        serviceWrapper: options.windows.serviceWrapper,
      }),
    },
  };
  return { ctx, out, commands, run: (argv: string[]) => cli(argv, ctx) };
}

describe('vigie-agent install', () => {
  it('enrols, writes the artefact, config and hardened unit under --root, then enables the unit', async () => {
    await writeFile(join(root, 'vigie-agent.mjs'), '// the agent\n');
    const { run, out, commands } = harness();
    const code = await run([
      'install',
      '--hub',
      hubUrl,
      '--token',
      TOKEN,
      '--role',
      'server',
      '--root',
      root,
    ]);
    expect({ code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
    expect(enrolments).toBe(1);
    expect(await readFile(join(root, 'opt/vigie-agent/vigie-agent.mjs'), 'utf8')).toBe('// the agent\n');
    expect((await stat(join(root, 'opt/vigie-agent/vigie-agent.mjs'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(root, 'var/lib/vigie-agent'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(root, 'var/lib/vigie-agent/credentials.json'))).mode & 0o777).toBe(0o600);
    const unit = await readFile(join(root, 'etc/systemd/system/vigie-agent.service'), 'utf8');
    expect(unit).toMatch(/^RestartPreventExitStatus=78$/m);
    expect(unit).toMatch(/^ProtectSystem=strict$/m);
    expect(JSON.parse(await readFile(join(root, 'etc/vigie/agent.json'), 'utf8'))).toMatchObject({
      hubUrl,
      role: 'server',
    });
    expect(commands).toEqual([
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', 'vigie-agent'],
    ]);
  });

  it('keeps the credential of a machine already enrolled with the same hub', async () => {
    await writeFile(join(root, 'vigie-agent.mjs'), '');
    const { run, out } = harness();
    await run(['install', '--hub', hubUrl, '--token', TOKEN, '--root', root]);
    expect(await run(['install', '--hub', hubUrl, '--token', TOKEN, '--root', root])).toBe(0);
    expect(enrolments).toBe(1);
    expect(out.stdout).toMatch(/already enrolled .* keeping that credential/);
  });

  it('refuses without root unless given --root, and without an artefact to install', async () => {
    const { run, out } = harness();
    expect(await run(['install', '--hub', hubUrl, '--token', TOKEN])).toBe(1);
    expect(out.stderr).toMatch(/must run as root/);
    const noArtefact = harness();
    const ctx = {
      ...noArtefact.ctx,
      service: { platform: 'linux', runner: async () => ({ code: 0, stdout: '', stderr: '' }), node: 'node' },
    };
    expect(await cli(['install', '--hub', hubUrl, '--token', TOKEN, '--root', root], ctx)).toBe(64);
    expect(enrolments).toBe(0);
  });

  it('status says whether the service is installed and running; uninstall removes it, --purge the state', async () => {
    await writeFile(join(root, 'vigie-agent.mjs'), '');
    const first = harness();
    await first.run(['install', '--hub', hubUrl, '--token', TOKEN, '--root', root]);
    const stateDir = join(root, 'var/lib/vigie-agent');

    const running = harness({ active: true });
    expect(await running.run(['status', '--state-dir', stateDir, '--root', root, '--json'])).toBe(0);
    expect(JSON.parse(running.out.stdout).service).toEqual({
      installed: true,
      running: true,
      detail: 'active',
    });

    const removal = harness();
    expect(await removal.run(['uninstall', '--root', root])).toBe(0);
    expect(removal.commands).toEqual([
      ['systemctl', 'disable', '--now', 'vigie-agent'],
      ['systemctl', 'daemon-reload'],
    ]);
    await expect(access(join(root, 'etc/systemd/system/vigie-agent.service'))).rejects.toThrow();
    await expect(access(join(root, 'opt/vigie-agent'))).rejects.toThrow();
    await access(join(stateDir, 'credentials.json'));

    const after = harness();
    await after.run(['status', '--state-dir', stateDir, '--root', root]);
    expect(after.out.stdout).toMatch(/service: +not installed/);

    expect(await harness().run(['uninstall', '--root', root, '--purge'])).toBe(0);
    await expect(access(stateDir)).rejects.toThrow();
  });
});

describe('vigie-agent install on Windows (the win32 plan, applied under --root)', () => {
  const installDir = () => join(root, 'C/Program Files/Vigie');

  it('installs the WinSW wrapper beside the agent, registers and starts it through the wrapper', async () => {
    await writeFile(join(root, 'vigie-agent.mjs'), '// the agent\n');
    await writeFile(join(root, 'winsw.exe'), 'MZ wrapper');
    const { run, out, commands } = harness({ windows: { serviceWrapper: join(root, 'winsw.exe') } });
    const code = await run(['install', '--hub', hubUrl, '--token', TOKEN, '--root', root]);
    expect({ code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await readFile(join(installDir(), 'vigie-agent-service.exe'), 'utf8')).toBe('MZ wrapper');
    const xml = await readFile(join(installDir(), 'vigie-agent-service.xml'), 'utf8');
    expect(xml).toContain('<argument>C:\\Program Files\\Vigie\\vigie-agent.mjs</argument>');
    await access(join(installDir(), 'vigie-agent-service.exe.config'));
    await access(join(root, 'C/ProgramData/Vigie/state/logs'));
    const wrapper = 'C:\\Program Files\\Vigie\\vigie-agent-service.exe';
    expect(commands).toEqual([
      ['net.exe', 'stop', 'vigie-agent'],
      ['sc.exe', 'delete', 'vigie-agent'],
      [wrapper, 'install'],
      ['sc.exe', 'config', 'vigie-agent', 'start=', 'delayed-auto'],
      [wrapper, 'start'],
    ]);

    const removal = harness({ windows: {} });
    expect(await removal.run(['uninstall', '--root', root])).toBe(0);
    expect(removal.commands).toEqual([
      ['net.exe', 'stop', 'vigie-agent'],
      [wrapper, 'uninstall'],
      ['sc.exe', 'delete', 'vigie-agent'],
    ]);
    await expect(access(installDir())).rejects.toThrow();
    await access(join(root, 'C/ProgramData/Vigie/state/credentials.json'));
  });

  it('refuses before enrolling when the wrapper is missing', async () => {
    await writeFile(join(root, 'vigie-agent.mjs'), '');
    const { run, out, commands } = harness({ windows: { serviceWrapper: join(root, 'no-winsw.exe') } });
    expect(await run(['install', '--hub', hubUrl, '--token', TOKEN, '--root', root])).toBe(64);
    expect(out.stderr).toContain(`${join(root, 'no-winsw.exe')} not found`);
    expect(enrolments).toBe(0);
    expect(commands).toEqual([]);
  });
});
