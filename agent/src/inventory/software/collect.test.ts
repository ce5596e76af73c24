import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type InventoryIo, SYSTEM_INVENTORY_IO } from '../io.js';
import { collectSoftware } from './collect.js';
import { DPKG_STATUS_PATH, parseDpkgStatus } from './dpkg.js';

const onDebian = existsSync(DPKG_STATUS_PATH);
// dpkg-query's own `${Field}` syntax, built so it is not mistaken for a template placeholder.
const dpkgField = (field: string) => `\${${field}}`;

describe('the real dpkg database of this machine', () => {
  // This project's development and CI machines are Debian; elsewhere there is nothing to compare.
  it.runIf(onDebian)('lists the same packages and versions as dpkg-query -W', async () => {
    const bytes = await SYSTEM_INVENTORY_IO.readFile(DPKG_STATUS_PATH);
    const parsed = parseDpkgStatus(new TextDecoder().decode(bytes));
    const query = execFileSync(
      'dpkg-query',
      ['-W', '-f', `${['db:Status-Status', 'Package', 'Version'].map(dpkgField).join('\\t')}\\n`],
      {
        encoding: 'utf8',
      },
    )
      .split('\n')
      .filter((line) => line.startsWith('installed\t'))
      .map((line) => line.slice('installed\t'.length))
      .sort();
    expect(parsed.length).toBeGreaterThan(0);
    expect(parsed.map((s) => `${s.name}\t${s.version}`).sort()).toEqual(query);
    expect(parsed.find((s) => s.name === 'bash')).toMatchObject({ source: 'dpkg' });
  });

  it.runIf(onDebian)('dates every package from its file list', async () => {
    const list = await collectSoftware({ io: SYSTEM_INVENTORY_IO, platform: 'linux' });
    const dpkg = list.filter((s) => s.source === 'dpkg');
    expect(dpkg.every((s) => typeof s.installedAt === 'number' && s.installedAt > Date.UTC(2000, 0, 1))).toBe(
      true,
    );
  });

  it.runIf(onDebian)('is what collectSoftware gathers on linux', async () => {
    const list = await collectSoftware({ io: SYSTEM_INVENTORY_IO, platform: 'linux' });
    expect(list.some((s) => s.name === 'bash' && s.source === 'dpkg')).toBe(true);
  });
});

describe('collectSoftware', () => {
  const io = (over: Partial<InventoryIo>): InventoryIo => ({
    readFile: async () => undefined,
    mtime: async () => undefined,
    exists: async () => false,
    exec: async () => ({ ok: false, reason: 'missing', message: 'no' }),
    ...over,
  });

  it('runs a command only for a source present on the machine', async () => {
    const ran: string[] = [];
    await collectSoftware({
      io: io({
        exists: async (path) => path === '/var/lib/rpm',
        exec: async (file) => {
          ran.push(file);
          return { ok: true, code: 0, stdout: 'bash\t0\t5.1-1\t1\tV\tx86_64\n' };
        },
      }),
      platform: 'linux',
    });
    expect(ran).toEqual(['rpm']);
  });

  it('keeps the other sources when one fails, and logs the failure', async () => {
    const logged: string[] = [];
    const list = await collectSoftware({
      io: io({
        exists: async () => true,
        readFile: async (path) =>
          path === DPKG_STATUS_PATH
            ? new TextEncoder().encode('Package: a\nStatus: install ok installed\nVersion: 1\n')
            : undefined,
        exec: async () => ({ ok: false, reason: 'timeout', message: 'slow' }),
      }),
      platform: 'linux',
      log: (msg) => logged.push(msg),
    });
    expect(list).toEqual([{ name: 'a', version: '1', source: 'dpkg' }]);
    expect(logged).toContain('software source failed');
  });

  it('leaves out an entry with a 16 kB name, keeps the rest verbatim, and logs the bound it broke', async () => {
    const logged: Record<string, unknown>[] = [];
    const status = `Package: ${'x'.repeat(16_384)}\nStatus: install ok installed\nVersion: 1\n\nPackage: b<script>\nStatus: install ok installed\nVersion: 2\n`;
    const list = await collectSoftware({
      io: io({
        exists: async (path) => path === DPKG_STATUS_PATH,
        readFile: async () => new TextEncoder().encode(status),
      }),
      platform: 'linux',
      log: (_msg, fields) => logged.push(fields ?? {}),
    });
    expect(list).toEqual([{ name: 'b<script>', version: '2', source: 'dpkg' }]);
    expect(logged).toContainEqual({ limit: 'INVENTORY_ENTRY_OUT_OF_BOUNDS', count: 1 });
  });
});
