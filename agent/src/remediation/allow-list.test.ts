import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { planInstall } from '../install/install-plan.js';
import { formatAllowList, parseAllowList } from './allow-list.js';

describe('the remediation allow-list', () => {
  it('reads the actions and folders an admin allowed', () => {
    const parsed = parseAllowList(
      'restart-service, clean-folder:/var/tmp/ ,clean-folder:/srv/cache,clear-package-cache',
    );
    expect(parsed).toEqual({
      ok: true,
      allow: { restartService: true, clearPackageCache: true, folders: ['/var/tmp', '/srv/cache'] },
    });
    if (parsed.ok)
      expect(formatAllowList(parsed.allow)).toBe(
        'restart-service,clean-folder:/var/tmp,clean-folder:/srv/cache,clear-package-cache',
      );
  });

  it('allows nothing for an empty list or none', () => {
    for (const spec of ['', 'none']) {
      expect(parseAllowList(spec)).toEqual({
        ok: true,
        allow: { restartService: false, clearPackageCache: false, folders: [] },
      });
    }
  });

  it.each([
    ['reboot-machine', /unknown remediation/],
    ['clean-folder:var/tmp', /absolute/],
    ['clean-folder:/', /cannot be \//],
    ['clean-folder:/etc/', /cannot be \/etc/],
    ['run-script:/tmp/x.sh', /unknown remediation/],
  ])('refuses %s', (spec, message) => {
    const parsed = parseAllowList(spec);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});

describe('install keeps the allow-list in the config file', () => {
  it('writes allowRemediation into /etc/vigie/agent.json, root-owned and read by run', async () => {
    const plan = planInstall({
      platform: 'linux',
      artefact: { kind: 'binary', path: '/tmp/vigie-agent' },
      config: {
        hubUrl: 'https://vigie.example.com',
        allowRemediation: 'restart-service,clean-folder:/var/tmp',
      },
    });
    const file = plan.files.find((f) => f.path === '/etc/vigie/agent.json');
    expect(file?.mode).toBe(0o644);
    const loaded = await loadConfig({
      flags: { configFile: '/etc/vigie/agent.json' },
      env: {},
      readFile: async () => file?.contents,
      isRoot: true,
      homeDir: '/root',
    });
    expect(loaded.ok && loaded.config.remediation).toEqual({
      restartService: true,
      clearPackageCache: false,
      folders: ['/var/tmp'],
    });
  });
});
