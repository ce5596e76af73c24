import type { Software } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { diffInventory } from './diff.js';
import { type SnapshotView, snapshotView } from './snapshot-view.js';

const pkg = (name: string, version: string, source = 'dpkg'): Software => ({ name, version, source });

const base: SnapshotView = snapshotView({
  hardware: { manufacturer: 'Example', model: 'X1', serial: 'SER-1' },
  os: { distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0-1' },
  cpu: { brand: 'Example CPU', cores: 4 },
  updates: { manager: 'apt', pending: 3, security: 1, rebootRequired: false },
  memoryModules: [
    { bank: 'DIMM0', size: 8589934592, type: 'DDR4', serialNum: 'M0' },
    { bank: 'DIMM1', size: 8589934592, type: 'DDR4', serialNum: 'M1' },
  ],
  disks: [{ device: '/dev/sda', name: 'Example SSD', size: 512e9, serialNum: 'D0' }],
  networkInterfaces: [{ iface: 'eth0', mac: '00:11:22:33:44:55', ip4: '10.0.0.2' }],
  software: [pkg('bash', '5.2.15-2'), pkg('curl', '7.88.1-10'), pkg('Example Viewer', '2.4', 'flatpak')],
});

const edit = (over: Partial<Record<keyof SnapshotView, unknown>>): SnapshotView =>
  ({ ...base, ...over }) as SnapshotView;

describe('diffInventory', () => {
  const cases: { name: string; after: SnapshotView; expected: object[] }[] = [
    { name: 'nothing changed', after: base, expected: [] },
    {
      name: 'a package upgraded',
      after: edit({
        software: [
          pkg('bash', '5.2.15-2+b7'),
          pkg('curl', '7.88.1-10'),
          pkg('Example Viewer', '2.4', 'flatpak'),
        ],
      }),
      expected: [
        {
          kind: 'software_upgraded',
          field: 'software:dpkg:bash',
          old: '5.2.15-2',
          new: '5.2.15-2+b7',
          security: false,
        },
      ],
    },
    {
      name: 'a package installed and one removed',
      after: edit({
        software: [pkg('bash', '5.2.15-2'), pkg('jq', '1.6-2.1'), pkg('Example Viewer', '2.4', 'flatpak')],
      }),
      expected: [
        { kind: 'software_removed', field: 'software:dpkg:curl', old: '7.88.1-10', new: null },
        { kind: 'software_installed', field: 'software:dpkg:jq', old: null, new: '1.6-2.1' },
      ],
    },
    {
      name: 'a second branch of the same app installed (not an upgrade)',
      after: edit({ software: [...base.software, pkg('Example Viewer', '2.5', 'flatpak')] }),
      expected: [{ kind: 'software_installed', field: 'software:flatpak:Example Viewer', new: '2.5' }],
    },
    {
      name: 'the serial number changed: security-relevant',
      after: edit({ hardware: { ...base.hardware, serial: 'SER-2' } }),
      expected: [
        { kind: 'hardware_changed', field: 'hardware.serial', old: 'SER-1', new: 'SER-2', security: true },
      ],
    },
    {
      name: 'a memory module removed: security-relevant',
      after: edit({ memoryModules: [base.memoryModules[0]] }),
      expected: [{ kind: 'hardware_removed', field: 'memory:DIMM1', new: null, security: true }],
    },
    {
      name: 'a disk added, not security-relevant',
      after: edit({
        disks: [...base.disks, { device: '/dev/sdb', name: 'Spare', size: 1e12, serialNum: 'D1' }],
      }),
      expected: [{ kind: 'hardware_added', field: 'disk:D1', old: null, security: false }],
    },
    {
      name: 'a disk removed: security-relevant',
      after: edit({ disks: [] }),
      expected: [{ kind: 'hardware_removed', field: 'disk:D0', security: true }],
    },
    {
      name: 'the kernel upgraded',
      after: edit({ os: { ...base.os, kernel: '6.1.0-2' } }),
      expected: [
        { kind: 'hardware_changed', field: 'os.kernel', old: '6.1.0-1', new: '6.1.0-2', security: false },
      ],
    },
    {
      name: 'update counts and an address change are not inventory changes',
      after: edit({
        updates: { manager: 'apt', pending: 9, security: 4, rebootRequired: true },
        networkInterfaces: [{ iface: 'eth0', mac: '00:11:22:33:44:55', ip4: '10.0.0.9' }],
      }),
      expected: [],
    },
  ];

  for (const { name, after, expected } of cases) {
    it(name, () => {
      const changes = diffInventory(base, after);
      expect(changes).toHaveLength(expected.length);
      expected.forEach((e, i) => {
        expect(changes[i]).toMatchObject(e);
      });
    });
  }
});
