import type { FilesystemSample } from '@vigie/shared';
import { LIMITS } from '@vigie/shared';
import type { Collector } from './collector.js';
import type { Log, ReadText, Statfs } from './deps.js';
import { type MountEntry, parseMountinfo } from './linux/mountinfo.js';
import { createLogOnce, errorCode } from './util/log-once.js';
import { pct } from './util/numbers.js';

// Kernel and runtime pseudo filesystems: no storage behind them, or (squashfs: snaps, live
// images) read-only images that are always 100% full by construction.
export const PSEUDO_FS_TYPES: ReadonlySet<string> = new Set([
  'proc',
  'sysfs',
  'devtmpfs',
  'devpts',
  'cgroup',
  'cgroup2',
  'securityfs',
  'pstore',
  'bpf',
  'tracefs',
  'debugfs',
  'mqueue',
  'hugetlbfs',
  'fusectl',
  'configfs',
  'autofs',
  'binfmt_misc',
  'nsfs',
  'squashfs',
  'efivarfs',
  'rpc_pipefs',
  'selinuxfs',
  'ramfs',
  'nfsd',
  'fuse.lxcfs',
  'fuse.gvfsd-fuse',
  'fuse.portal',
]);

/**
 * Whether a mount is a filesystem worth watching. tmpfs is kept (a full /run or /dev/shm breaks
 * services) except below /sys and /proc; overlay is kept only as a container's root, since
 * container runtimes' other overlays merely mirror the disk they live on.
 */
export function isRealMount(m: MountEntry): boolean {
  if (PSEUDO_FS_TYPES.has(m.fsType)) return false;
  if (m.mount.startsWith('/proc/') || m.mount.startsWith('/sys/')) return false;
  if (m.fsType === 'overlay' && m.mount !== '/') return false;
  return true;
}

/** Real mounts, one per visible path and per filesystem (bind mounts share a device id). */
export function selectMounts(entries: readonly MountEntry[]): MountEntry[] {
  // A path mounted over shows only its last mount, which is what statfs(path) will measure.
  const visible = new Map(entries.map((m) => [m.mount, m]));
  const byDev = new Map<string, MountEntry>();
  for (const m of visible.values()) {
    if (!isRealMount(m)) continue;
    const seen = byDev.get(m.devId);
    // The last mount on a path hides earlier ones; for a device prefer its whole-fs mount.
    if (
      !seen ||
      (m.root === '/' && seen.root !== '/') ||
      (m.root === seen.root && m.mount.length < seen.mount.length)
    )
      byDev.set(m.devId, m);
  }
  return [...byDev.values()].slice(0, LIMITS.maxListItems);
}

/** Mounted filesystems from /proc/self/mountinfo and an async statfs(2) per mount. */
export function createLinuxFilesystemsCollector(deps: {
  readFile: ReadText;
  statfs: Statfs;
  log: Log;
  /** A hung network mount must not hold a libuv thread forever nor stall the cycle. */
  statfsTimeoutMs?: number;
}): Collector<'filesystems'> {
  const logOnce = createLogOnce(deps.log);
  const timeoutMs = deps.statfsTimeoutMs ?? 2000;
  // Mounts whose statfs has not returned yet: skipped until it does, so a dead NFS server
  // does not pile up one stuck thread-pool call per cycle.
  const pending = new Set<string>();

  async function measure(m: MountEntry): Promise<FilesystemSample | undefined> {
    if (pending.has(m.mount)) return undefined;
    pending.add(m.mount);
    const call = deps.statfs(m.mount).finally(() => pending.delete(m.mount));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
      timer.unref();
    });
    try {
      const s = await Promise.race([call, timeout]);
      if (!s) {
        logOnce(`timeout:${m.mount}`, 'statfs timed out, mount skipped until it answers', { mount: m.mount });
        return undefined;
      }
      return toSample(m, s);
    } catch (err) {
      logOnce(`error:${m.mount}`, 'statfs failed, mount skipped', { mount: m.mount, code: errorCode(err) });
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    section: 'filesystems',
    async collect() {
      const mounts = selectMounts(parseMountinfo(await deps.readFile('/proc/self/mountinfo')));
      const results = await Promise.all(mounts.map(measure));
      return results.filter((r): r is FilesystemSample => r !== undefined);
    },
  };
}

function toSample(m: MountEntry, s: Awaited<ReturnType<Statfs>>): FilesystemSample | undefined {
  // A zero-block filesystem has no storage (a pseudo fs we did not list): nothing to watch.
  if (!(s.blocks > 0)) return undefined;
  const sizeBytes = s.blocks * s.bsize;
  const usedBytes = Math.max(0, s.blocks - s.bfree) * s.bsize;
  const freeBytes = s.bavail * s.bsize;
  const sample: FilesystemSample = {
    mount: m.mount,
    device: m.device || m.fsType,
    fsType: m.fsType,
    sizeBytes,
    usedBytes,
    freeBytes,
    // Like df: root-reserved blocks count as neither used nor available.
    usedPct: pct(usedBytes, usedBytes + freeBytes),
  };
  // btrfs and some network filesystems report 0 inodes: they allocate them dynamically.
  if (s.files > 0) {
    const inodesUsed = Math.max(0, s.files - s.ffree);
    Object.assign(sample, { inodesTotal: s.files, inodesUsed, inodesUsedPct: pct(inodesUsed, s.files) });
  }
  return sample;
}
