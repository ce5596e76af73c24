import { describe, expect, it } from 'vitest';
import { planInstall, planUninstall } from './install-plan.js';
import { shellWord, systemdArg, xmlText } from './quoting.js';
import { systemdUnit } from './systemd-unit.js';

const SCRIPT = { kind: 'script', path: '/tmp/vigie-agent.mjs', node: '/usr/bin/node' } as const;
const BINARY = { kind: 'binary', path: '/tmp/vigie-agent-linux-x64' } as const;
const CONFIG = { hubUrl: 'https://vigie.example.com', role: 'server' };

function fileAt(plan: ReturnType<typeof planInstall>, path: string): string {
  const file = plan.files.find((candidate) => candidate.path === path);
  if (!file?.contents) throw new Error(`no file ${path} in the plan`);
  return file.contents;
}

describe('planInstall', () => {
  describe('linux', () => {
    const plan = planInstall({ platform: 'linux', artefact: SCRIPT, config: CONFIG });
    const unit = fileAt(plan, '/etc/systemd/system/vigie-agent.service');

    it('runs the copied single-file build with this node and the installed config', () => {
      expect(unit).toContain(
        'ExecStart="/usr/bin/node" "--lite-mode" "/opt/vigie-agent/vigie-agent.mjs" "run" "--config" "/etc/vigie/agent.json"',
      );
      expect(plan.files[0]).toEqual({
        path: '/opt/vigie-agent/vigie-agent.mjs',
        mode: 0o755,
        copyFrom: '/tmp/vigie-agent.mjs',
      });
    });

    it('installs the CommonJS build under its own extension: Node loads a file by it (decision 0043)', () => {
      const commonJs = planInstall({
        platform: 'linux',
        artefact: { ...SCRIPT, path: '/tmp/vigie-agent.cjs' },
        config: CONFIG,
      });
      expect(fileAt(commonJs, '/etc/systemd/system/vigie-agent.service')).toContain(
        'ExecStart="/usr/bin/node" "--lite-mode" "/opt/vigie-agent/vigie-agent.cjs" "run" "--config" "/etc/vigie/agent.json"',
      );
      expect(commonJs.files[0]).toEqual({
        path: '/opt/vigie-agent/vigie-agent.cjs',
        mode: 0o755,
        copyFrom: '/tmp/vigie-agent.cjs',
      });
    });

    it.each([
      'User=root',
      'Restart=on-failure',
      'RestartPreventExitStatus=78',
      'StateDirectory=vigie-agent',
      'StateDirectoryMode=0700',
      'ReadWritePaths=/var/lib/vigie-agent /opt/vigie-agent',
      'RestartForceExitStatus=75',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ProtectHome=read-only',
      'PrivateTmp=yes',
      'CapabilityBoundingSet=CAP_DAC_READ_SEARCH',
      'WantedBy=multi-user.target',
    ])('hardens the unit: %s', (line) => {
      expect(unit.split('\n')).toContain(line);
    });

    it("starts the agent with glibc's malloc settings, whatever the artefact", () => {
      const binary = planInstall({ platform: 'linux', artefact: BINARY, config: CONFIG });
      for (const text of [unit, fileAt(binary, '/etc/systemd/system/vigie-agent.service')]) {
        expect(text.split('\n')).toEqual(
          expect.arrayContaining([
            'Environment=MALLOC_MMAP_THRESHOLD_=32768',
            'Environment=MALLOC_ARENA_MAX=1',
          ]),
        );
      }
    });

    it('refuses an environment value a unit would misread', () => {
      expect(() =>
        systemdUnit({ execStart: ['/usr/bin/node'], stateDir: '/var/lib/x', environment: { A: '50%' } }),
      ).toThrow(/not a plain environment variable/);
    });

    it('never forbids W+X memory, which the JIT needs', () => {
      expect(unit).not.toMatch(/^MemoryDenyWriteExecute=yes/m);
    });

    it('writes a config without secret, pointing at the state dir', () => {
      expect(JSON.parse(fileAt(plan, '/etc/vigie/agent.json'))).toEqual({
        hubUrl: 'https://vigie.example.com',
        stateDir: '/var/lib/vigie-agent',
        role: 'server',
      });
    });

    it('reloads systemd, then enables and starts the unit', () => {
      expect(plan.commands).toEqual([
        ['systemctl', 'daemon-reload'],
        ['systemctl', 'enable', '--now', 'vigie-agent'],
      ]);
    });

    it('runs the single executable directly', () => {
      const binary = planInstall({ platform: 'linux', artefact: BINARY, config: CONFIG });
      expect(fileAt(binary, '/etc/systemd/system/vigie-agent.service')).toContain(
        'ExecStart="/opt/vigie-agent/vigie-agent" "run"',
      );
    });

    it('copies a CA file and names it in the config', () => {
      const withCa = planInstall({ platform: 'linux', artefact: SCRIPT, config: CONFIG, caPem: 'PEM' });
      expect(fileAt(withCa, '/etc/vigie/hub-ca.pem')).toBe('PEM');
      expect(JSON.parse(fileAt(withCa, '/etc/vigie/agent.json')).caFile).toBe('/etc/vigie/hub-ca.pem');
    });
  });

  describe('macOS', () => {
    const plan = planInstall({ platform: 'darwin', artefact: SCRIPT, config: CONFIG });
    const plist = fileAt(plan, '/Library/LaunchDaemons/com.vigie.agent.plist');

    it('keeps the daemon alive on failure but turns 78 into a clean, final exit', () => {
      expect(plist).toMatch(/<key>KeepAlive<\/key>\s*<dict>\s*<key>SuccessfulExit<\/key>\s*<false\/>/);
      expect(plist).toContain('[ &quot;$code&quot; -eq 78 ] &amp;&amp; exit 0');
      expect(plist).toContain('<string>/opt/vigie-agent/vigie-agent.mjs</string>');
      expect(plist).toContain('<string>com.vigie.agent</string>');
    });

    it('bootstraps it into the system domain', () => {
      expect(plan.commands).toEqual([
        ['launchctl', 'bootstrap', 'system', '/Library/LaunchDaemons/com.vigie.agent.plist'],
      ]);
    });
  });

  describe('Windows', () => {
    const plan = planInstall({
      platform: 'win32',
      artefact: {
        kind: 'script',
        path: 'C:\\tmp\\vigie-agent.mjs',
        node: 'C:\\Program Files\\nodejs\\node.exe',
      },
      config: CONFIG,
    });

    it('never registers node itself with sc.exe create: it cannot answer the service manager', () => {
      expect(plan.commands.some((command) => command[1] === 'create')).toBe(false);
      expect(plan.commands[0]).toEqual(['C:\\Program Files\\Vigie\\vigie-agent-service.exe', 'install']);
    });
  });
});

describe('planUninstall', () => {
  it('disables the unit, removes files, keeps the state dir unless purged', () => {
    const plan = planUninstall('linux', false);
    expect(plan.stop).toEqual([['systemctl', 'disable', '--now', 'vigie-agent']]);
    expect(plan.remove).toContain('/etc/systemd/system/vigie-agent.service');
    expect(plan.remove).not.toContain('/var/lib/vigie-agent');
    expect(planUninstall('linux', true).remove).toContain('/var/lib/vigie-agent');
    expect(plan.after).toEqual([['systemctl', 'daemon-reload']]);
  });

  it('boots the launchd job out', () => {
    expect(planUninstall('darwin', false).stop).toEqual([['launchctl', 'bootout', 'system/com.vigie.agent']]);
  });
});

describe('quoting hostile values', () => {
  const HOSTILE = `a"b'c $(reboot) \`id\` %h $HOME \\ ; & | <x>`;

  it('systemd: quotes, and doubles % and $ so nothing expands', () => {
    expect(systemdArg(HOSTILE)).toBe(`"a\\"b'c $$(reboot) \`id\` %%h $$HOME \\\\ ; & | <x>"`);
    expect(() => systemdArg('a\nExecStartPre=/bin/evil')).toThrow(/line break/);
  });

  it('XML: escapes markup', () => {
    expect(xmlText('</string><string>evil')).toBe('&lt;/string&gt;&lt;string&gt;evil');
  });

  it('POSIX shell: single quotes survive', () => {
    expect(shellWord("it's $(x)")).toBe(`'it'\\''s $(x)'`);
  });
});
