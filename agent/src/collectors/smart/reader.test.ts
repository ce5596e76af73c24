import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSmartReader, type SmartctlRun } from './reader.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const SCAN = JSON.stringify({
  devices: [
    { name: '/dev/sda', type: 'sat', protocol: 'ATA' },
    { name: '/dev/nvme0', type: 'nvme', protocol: 'NVMe' },
  ],
});

function setup(run: SmartctlRun, now = { t: 0 }) {
  const logs: string[] = [];
  const calls: string[][] = [];
  const reader = createSmartReader({
    run: (args) => {
      calls.push([...args]);
      return run(args);
    },
    clock: () => now.t,
    log: (msg) => logs.push(msg),
  });
  return { reader, logs, calls, now };
}

describe('createSmartReader', () => {
  it('scans once, then reads each disk with its -d type without waking it', async () => {
    const { reader, calls } = setup(async (args) => {
      if (args[0] === '--scan-open') return { stdout: SCAN, exitCode: 0 };
      const name = args.at(-1) === '/dev/sda' ? 'smart-fail2.json' : 'smart-nvme.json';
      return { stdout: fixture(name), exitCode: name === 'smart-fail2.json' ? 216 : 0 };
    });
    const first = await reader.read();
    await reader.read();
    expect(first.map((disk) => [disk.protocol, disk.passed])).toEqual([
      ['ATA', false],
      ['NVMe', true],
    ]);
    expect(calls.filter((args) => args[0] === '--scan-open')).toHaveLength(1);
    expect(calls[1]).toEqual(['-a', '--json', '-n', 'standby', '-d', 'sat', '/dev/sda']);
  });

  it('on a VM with virtual disks: nothing read, "not available" logged once (captured outputs)', async () => {
    const { reader, logs } = setup(async (args) =>
      args[0] === '--scan-open'
        ? { stdout: fixture('scan-open-vm.json'), exitCode: 0 }
        : { stdout: fixture('vda-vm.json'), exitCode: 1 },
    );
    for (let i = 0; i < 3; i += 1) expect(await reader.read()).toEqual([]);
    expect(logs).toEqual([
      'SMART not available: smartctl finds no disk with SMART (virtual disks have none)',
    ]);
  });

  it('a listed disk smartctl cannot identify is left out and logged once', async () => {
    const { reader, logs } = setup(async (args) =>
      args[0] === '--scan-open'
        ? { stdout: JSON.stringify({ devices: [{ name: '/dev/vda', type: 'sat' }] }), exitCode: 0 }
        : { stdout: fixture('vda-vm.json'), exitCode: 1 },
    );
    await reader.read();
    await reader.read();
    expect(logs).toEqual(['SMART not available for this disk']);
  });

  it('says once that smartctl is not installed, and scans again later', async () => {
    const missing = Object.assign(new Error('spawn smartctl ENOENT'), { code: 'ENOENT' });
    const { reader, logs, calls, now } = setup(async () => {
      throw missing;
    });
    expect(await reader.read()).toEqual([]);
    expect(await reader.read()).toEqual([]);
    now.t = 7 * 3600 * 1000;
    await reader.read();
    expect(logs).toEqual(['SMART not available: smartctl is not installed (package smartmontools)']);
    expect(calls).toHaveLength(2);
  });

  it('skips a disk in standby without logging it as unavailable', async () => {
    const asleep = JSON.stringify({
      smartctl: { exit_status: 2, messages: [{ string: 'Device is in STANDBY mode' }] },
    });
    const { reader, logs } = setup(async (args) =>
      args[0] === '--scan-open' ? { stdout: SCAN, exitCode: 0 } : { stdout: asleep, exitCode: 2 },
    );
    expect(await reader.read()).toEqual([]);
    expect(logs).toEqual([]);
  });
});
