import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExecResult, InventoryIo } from '../io.js';
import { parseAptListUpgradable, parseAptSimulate } from './apt.js';
import { collectUpdates } from './collect.js';
import { parseCheckUpdate } from './dnf.js';
import { parseWindowsUpdate } from './windows-update.js';

const fixture = (name: string) => readFileSync(new URL(`__fixtures__/${name}`, import.meta.url), 'utf8');

describe('parseAptSimulate', () => {
  it('counts Inst lines, security ones apart by their -security origin, ignoring Conf and Remv', () => {
    const updates = parseAptSimulate(fixture('apt-get-simulate-upgrade.txt'));
    expect(updates).toMatchObject({ manager: 'apt', pending: 4, security: 3 });
    expect(updates.packages.map((p) => [p.name, p.version, p.security])).toEqual([
      ['bash', '5.2.15-2+b7', false],
      ['libexample1', '1.0-1+deb12u1', true],
      ['linux-image-6.1.0-99-amd64', '6.1.99-1', true],
      ['openssl', '3.0.13-1~deb12u1', true],
    ]);
  });
});

describe('parseAptListUpgradable', () => {
  it('reads name/suites version arch, skipping the Listing line', () => {
    expect(parseAptListUpgradable(fixture('apt-list-upgradable.txt'))).toMatchObject({
      pending: 3,
      security: 2,
    });
  });
});

describe('parseCheckUpdate', () => {
  it('joins wrapped names, skips header noise and the Obsoleting section, and cannot tell security', () => {
    const updates = parseCheckUpdate(fixture('yum-check-update.txt'), 'yum');
    expect(updates.packages.map((p) => `${p.name} ${p.version}`)).toEqual([
      'bash 4.2.46-35.el7_9',
      'device-mapper-persistent-data 0.8.5-3.el7_9.2',
      'kernel 3.10.0-1160.108.1.el7',
      'openssl-libs 1:1.0.2k-26.el7_9',
    ]);
    expect(updates).toMatchObject({ manager: 'yum', pending: 4, security: null });
  });
});

function fakeIo(files: string[], commands: Record<string, ExecResult>): InventoryIo {
  return {
    readFile: async () => undefined,
    exists: async (path) => files.includes(path),
    mtime: async () => undefined,
    exec: async (file) => commands[file] ?? { ok: false, reason: 'missing', message: file },
  };
}

describe('collectUpdates', () => {
  it('reports apt counts and a pending reboot', async () => {
    const io = fakeIo(['/usr/bin/apt-get', '/var/run/reboot-required'], {
      'apt-get': { ok: true, code: 0, stdout: fixture('apt-get-simulate-upgrade.txt') },
    });
    expect(await collectUpdates({ io, platform: 'linux' })).toEqual({
      rebootRequired: true,
      manager: 'apt',
      pending: 4,
      security: 3,
    });
  });

  it('takes dnf exit code 100 as "updates available", not as a failure', async () => {
    const io = fakeIo(['/usr/bin/dnf'], {
      dnf: { ok: true, code: 100, stdout: fixture('yum-check-update.txt') },
    });
    expect(await collectUpdates({ io, platform: 'linux' })).toMatchObject({ manager: 'dnf', pending: 4 });
  });

  it('tells nothing on a platform it does not know', async () => {
    expect(await collectUpdates({ io: fakeIo([], {}), platform: 'win32' })).toEqual({});
  });
});

describe('parseWindowsUpdate', () => {
  it('counts pending updates, security ones by severity or category', () => {
    const updates = parseWindowsUpdate(fixture('windows-update.json'));
    expect(updates).toMatchObject({ manager: 'windows-update', pending: 4, security: 2 });
    expect(updates?.packages.map((p) => p.version)).toEqual(['KB5035853', 'KB2267602', 'KB5035924', '']);
  });

  it('reads the lone object ConvertTo-Json prints for one update, and nothing as none', () => {
    expect(parseWindowsUpdate(fixture('windows-update-single.json'))).toMatchObject({
      pending: 1,
      security: 0,
    });
    expect(parseWindowsUpdate('')).toMatchObject({ pending: 0, security: 0 });
    expect(parseWindowsUpdate('Exception from HRESULT: 0x8024402C')).toBeUndefined();
  });
});
