import { LIMITS, type Software } from '@vigie/shared';
import type { DropLog } from '../facts.js';
import type { InventoryIo } from '../io.js';
import { APK_DB_PATH, parseApkInstalled } from './apk.js';
import { DPKG_STATUS_PATH, parseDpkgPackages } from './dpkg.js';
import { FLATPAK_ARGS, parseFlatpakList } from './flatpak.js';
import { parseMacApplications, SYSTEM_PROFILER_ARGS } from './macos-applications.js';
import { boundSoftware } from './records.js';
import { parseRpmQuery, RPM_ARGS } from './rpm.js';
import { parseSnapList, SNAP_ARGS } from './snap.js';

/**
 * Most installed-software entries one snapshot carries: beyond it the rest is left out and
 * logged (the hub refuses a snapshot beyond it too).
 */
export const MAX_SOFTWARE = LIMITS.maxSoftwarePerSnapshot;

/** One place software is listed: a database file read directly, or a command's output. */
export interface SoftwareSource {
  readonly name: string;
  /** Present on this machine when this path exists. */
  readonly probe: string;
  readonly read?: string;
  readonly exec?: readonly [file: string, args: readonly string[]];
  readonly parse: (text: string, io: InventoryIo) => Promise<Software[]> | Software[];
}

// dpkg keeps no install date; the mtime of a package's file list is when it was last unpacked.
async function dpkgWithInstallTimes(text: string, io: InventoryIo): Promise<Software[]> {
  return Promise.all(
    parseDpkgPackages(text).map(async ({ software, listFile }) => {
      const at = await io.mtime(listFile);
      return at === undefined ? software : { ...software, installedAt: at };
    }),
  );
}

/** The sources per platform; a machine may have several (dpkg plus snap, rpm plus flatpak). */
export const SOFTWARE_SOURCES: Readonly<Record<string, readonly SoftwareSource[]>> = {
  linux: [
    { name: 'dpkg', probe: DPKG_STATUS_PATH, read: DPKG_STATUS_PATH, parse: dpkgWithInstallTimes },
    { name: 'apk', probe: APK_DB_PATH, read: APK_DB_PATH, parse: parseApkInstalled },
    { name: 'rpm', probe: '/var/lib/rpm', exec: ['rpm', RPM_ARGS], parse: parseRpmQuery },
    { name: 'snap', probe: '/run/snapd.socket', exec: ['snap', SNAP_ARGS], parse: parseSnapList },
    { name: 'flatpak', probe: '/var/lib/flatpak', exec: ['flatpak', FLATPAK_ARGS], parse: parseFlatpakList },
  ],
  darwin: [
    {
      name: 'applications',
      probe: '/usr/sbin/system_profiler',
      exec: ['/usr/sbin/system_profiler', SYSTEM_PROFILER_ARGS],
      parse: parseMacApplications,
    },
  ],
};

async function readSource(io: InventoryIo, source: SoftwareSource, log: DropLog): Promise<Software[]> {
  if (!(await io.exists(source.probe))) return [];
  if (source.read) {
    const bytes = await io.readFile(source.read);
    if (bytes === undefined) {
      log('software source unreadable', { source: source.name, path: source.read });
      return [];
    }
    return source.parse(new TextDecoder().decode(bytes), io);
  }
  if (!source.exec) return [];
  const [file, args] = source.exec;
  const result = await io.exec(file, args);
  if (!result.ok || result.code !== 0) {
    log('software source failed', { source: source.name, ...(result.ok ? { code: result.code } : result) });
    return [];
  }
  return source.parse(result.stdout, io);
}

/**
 * Lists installed software from every source present on the machine, bounded to MAX_SOFTWARE
 * entries that fit the wire. A failing source leaves only its part empty.
 */
export async function collectSoftware(deps: {
  io: InventoryIo;
  platform: string;
  log?: DropLog;
  sources?: readonly SoftwareSource[];
}): Promise<Software[]> {
  const log: DropLog = deps.log ?? (() => {});
  const sources = deps.sources ?? SOFTWARE_SOURCES[deps.platform] ?? [];
  const lists = await Promise.all(
    sources.map((source) =>
      readSource(deps.io, source, log).catch((err: unknown) => {
        log('software source failed', { source: source.name, err: String(err) });
        return [];
      }),
    ),
  );
  const bounded = boundSoftware(lists.flat(), MAX_SOFTWARE);
  if (bounded.invalid > 0)
    log('software entries out of bounds, left out', {
      limit: 'INVENTORY_ENTRY_OUT_OF_BOUNDS',
      count: bounded.invalid,
    });
  if (bounded.overflow > 0)
    log('too many software entries, rest left out', {
      limit: 'INVENTORY_TOO_MANY_ENTRIES',
      count: bounded.overflow,
    });
  return bounded.items;
}
