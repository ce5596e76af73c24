import { describe, expect, it } from 'vitest';
import { fixture } from '../__fixtures__/fake-host.js';
import { isPhysicalDisk, parseDiskstats } from './diskstats.js';

describe('parseDiskstats', () => {
  it('reads the counters of each device', () => {
    const vda = parseDiskstats(fixture('linux/diskstats-1.txt')).find((d) => d.name === 'vda');
    expect(vda).toEqual({
      name: 'vda',
      readOps: 43442,
      readSectors: 2615002,
      writeOps: 27182,
      writeSectors: 2361360,
      ioTicksMs: 8892,
    });
  });
});

describe('isPhysicalDisk', () => {
  it('keeps whole disks listed in /sys/block and drops virtual ones', () => {
    const sysBlock = new Set(['loop0', 'vda', 'zram0', 'dm-0', 'nvme0n1']);
    expect(
      ['loop0', 'vda', 'zram0', 'dm-0', 'nvme0n1', 'nvme0n1p1'].filter((n) => isPhysicalDisk(n, sysBlock)),
    ).toEqual(['vda', 'nvme0n1']);
  });

  it('falls back to name patterns to drop partitions without /sys/block', () => {
    const names = [
      'sda',
      'sda1',
      'nvme0n1',
      'nvme0n1p2',
      'mmcblk0',
      'mmcblk0p1',
      'xvda',
      'xvda1',
      'ram0',
      'md0',
    ];
    expect(names.filter((n) => isPhysicalDisk(n, undefined))).toEqual(['sda', 'nvme0n1', 'mmcblk0', 'xvda']);
  });
});
