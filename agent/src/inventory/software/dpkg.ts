import type { Software } from '@vigie/shared';
import { controlRecords, software } from './records.js';

/** Where dpkg keeps its database; read directly, no child process. */
export const DPKG_STATUS_PATH = '/var/lib/dpkg/status';

/** Where dpkg lists each package's files; the list's mtime is when the package was installed. */
export const DPKG_INFO_DIR = '/var/lib/dpkg/info';

/** The `.list` file of a package: `name:arch.list` for Multi-Arch: same packages. */
export function dpkgListFile(name: string, arch: string | undefined, multiArchSame: boolean): string {
  return `${DPKG_INFO_DIR}/${multiArchSame && arch ? `${name}:${arch}` : name}.list`;
}

/** One installed package and the name of its file list (for its install time). */
export interface DpkgPackage {
  readonly software: Software;
  readonly listFile: string;
}

/** Parses `/var/lib/dpkg/status` into installed packages with their file list path. */
export function parseDpkgPackages(text: string): DpkgPackage[] {
  const out: DpkgPackage[] = [];
  for (const record of controlRecords(text, /^([A-Za-z0-9-]+):\s?(.*)$/)) {
    const name = record.get('Package');
    const status = record.get('Status') ?? '';
    if (!name || status.split(/\s+/).at(-1) !== 'installed') continue;
    out.push({
      software: software('dpkg', name, record.get('Version') ?? '', { publisher: record.get('Maintainer') }),
      listFile: dpkgListFile(name, record.get('Architecture'), record.get('Multi-Arch') === 'same'),
    });
  }
  return out;
}

/**
 * Parses `/var/lib/dpkg/status`: the packages whose status ends in `installed` (removed
 * packages that kept their config files, `deinstall ok config-files`, are not installed).
 */
export function parseDpkgStatus(text: string): Software[] {
  return parseDpkgPackages(text).map((p) => p.software);
}
