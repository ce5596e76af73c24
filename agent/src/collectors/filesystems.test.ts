import { describe, expect, it, vi } from 'vitest';
import { fakeHost, fixture } from './__fixtures__/fake-host.js';
import { fakeSi, siRecording } from './__fixtures__/si-fake.js';
import type { Statfs } from './deps.js';
import { createLinuxFilesystemsCollector, selectMounts } from './filesystems.linux.js';
import { createSiFilesystemsCollector } from './filesystems.si.js';
import { parseMountinfo } from './linux/mountinfo.js';

const fast = { slow: false, services: [] };
// statfs(2) of this machine's root, recorded.
const ROOT_STATFS = {
  bsize: 4096,
  blocks: 66053021,
  bfree: 60178768,
  bavail: 20723475,
  files: 16777216,
  ffree: 16360964,
};
const TMPFS_STATFS = { bsize: 4096, blocks: 1024, bfree: 1000, bavail: 1000, files: 5000, ffree: 4990 };

describe('selectMounts', () => {
  it('skips pseudo filesystems, squashfs images and container overlays; keeps tmpfs', () => {
    const mounts = selectMounts(parseMountinfo(fixture('linux/mountinfo-desktop.txt'))).map((m) => m.mount);
    expect(mounts).toEqual(['/run', '/', '/dev/shm', '/boot/efi', '/home', '/mnt/My Backup']);
  });

  it('keeps one entry per device when a subvolume is bind-mounted elsewhere', () => {
    const mounts = selectMounts(parseMountinfo(fixture('linux/mountinfo-desktop.txt')));
    expect(mounts.filter((m) => m.devId === '259:3').map((m) => m.mount)).toEqual(['/home']);
  });

  it('on this machine keeps the root and one /dev/shm, skips cgroup and devpts', () => {
    const mounts = selectMounts(parseMountinfo(fixture('linux/mountinfo.txt'))).map(
      (m) => `${m.fsType} ${m.mount}`,
    );
    expect(mounts).toContain('ext4 /');
    expect(mounts.filter((m) => m.includes('cgroup') || m.includes('devpts'))).toEqual([]);
    expect(mounts.filter((m) => m.endsWith('/dev/shm'))).toHaveLength(1);
  });
});

describe('Linux filesystems collector', () => {
  it('reports use, unprivileged free space and inodes of each mount', async () => {
    const statfs: Statfs = async (path) => (path === '/' ? ROOT_STATFS : TMPFS_STATFS);
    const log = vi.fn();
    const host = fakeHost({ '/proc/self/mountinfo': fixture('linux/mountinfo.txt') });
    const samples = await createLinuxFilesystemsCollector({ ...host, statfs, log }).collect(fast);
    const root = samples?.find((s) => s.mount === '/');
    expect(root).toEqual({
      mount: '/',
      device: '/dev/vda',
      fsType: 'ext4',
      sizeBytes: 66053021 * 4096,
      usedBytes: (66053021 - 60178768) * 4096,
      freeBytes: 20723475 * 4096,
      usedPct: 22.09,
      inodesTotal: 16777216,
      inodesUsed: 16777216 - 16360964,
      inodesUsedPct: 2.48,
    });
  });

  it('omits inode figures when the filesystem reports none (btrfs)', async () => {
    const statfs: Statfs = async () => ({ ...ROOT_STATFS, files: 0, ffree: 0 });
    const host = fakeHost({ '/proc/self/mountinfo': '26 1 254:0 / / rw - btrfs /dev/vda rw\n' });
    const [root] =
      (await createLinuxFilesystemsCollector({ ...host, statfs, log: vi.fn() }).collect(fast)) ?? [];
    expect(root).not.toHaveProperty('inodesTotal');
  });

  it('skips a mount whose statfs hangs, logs it once, and does not call it again while pending', async () => {
    let calls = 0;
    const statfs: Statfs = (path) => {
      if (path === '/') return Promise.resolve(ROOT_STATFS);
      calls++;
      return new Promise(() => {});
    };
    const log = vi.fn();
    const host = fakeHost({
      '/proc/self/mountinfo':
        '26 1 254:0 / / rw - ext4 /dev/vda rw\n60 26 0:50 / /mnt/nfs rw - nfs4 srv:/x rw\n',
    });
    const fs = createLinuxFilesystemsCollector({ ...host, statfs, log, statfsTimeoutMs: 5 });
    expect((await fs.collect(fast))?.map((s) => s.mount)).toEqual(['/']);
    expect((await fs.collect(fast))?.map((s) => s.mount)).toEqual(['/']);
    expect(calls).toBe(1);
    expect(log).toHaveBeenCalledTimes(1);
  });
});

describe('systeminformation filesystems collector', () => {
  it('drops devfs, autofs maps and APFS system volumes on macOS', async () => {
    const samples = await createSiFilesystemsCollector({ si: fakeSi(siRecording('darwin')) }).collect(fast);
    expect(samples?.map((s) => s.mount)).toEqual(['/', '/System/Volumes/Data']);
  });

  it('drops an empty optical drive on Windows', async () => {
    const samples = await createSiFilesystemsCollector({ si: fakeSi(siRecording('win32')) }).collect(fast);
    expect(samples).toEqual([
      {
        mount: 'C:',
        device: 'C:',
        fsType: 'NTFS',
        sizeBytes: 255369752576,
        usedBytes: 240000000000,
        freeBytes: 15369752576,
        usedPct: 93.98,
      },
    ]);
  });
});
