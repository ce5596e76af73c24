import type { FilesystemSample } from '@vigie/shared';
import { LIMITS } from '@vigie/shared';
import type { Collector } from './collector.js';
import type { SiCollect } from './si.js';
import { pct } from './util/numbers.js';

// macOS lists devfs and automounter maps; APFS system snapshots and the VM/preboot volumes
// are implementation details of one physical container.
const PSEUDO_FS = new Set(['devfs', 'autofs', 'nullfs', 'map auto_home', 'map -hosts']);
const HIDDEN_MOUNT = /^\/System\/Volumes\/(VM|Preboot|Update|xarts|iSCPreboot|Hardware)$/;

/** Filesystems from `systeminformation.fsSize` (df / WMI); no inode figures there. */
export function createSiFilesystemsCollector(deps: {
  si: Pick<SiCollect, 'fsSize'>;
}): Collector<'filesystems'> {
  return {
    section: 'filesystems',
    async collect() {
      const out: FilesystemSample[] = [];
      for (const fs of await deps.si.fsSize()) {
        if (PSEUDO_FS.has(fs.type) || HIDDEN_MOUNT.test(fs.mount) || !(fs.size > 0) || !fs.mount) continue;
        const usedBytes = Math.max(0, fs.used);
        const freeBytes = Math.max(0, fs.available);
        out.push({
          mount: fs.mount,
          device: fs.fs || fs.mount,
          fsType: fs.type || 'unknown',
          sizeBytes: fs.size,
          usedBytes,
          freeBytes,
          usedPct: pct(usedBytes, usedBytes + freeBytes),
        });
      }
      return out.slice(0, LIMITS.maxListItems);
    },
  };
}
