import type { Software } from '@vigie/shared';
import { controlRecords, software } from './records.js';

/** Where dpkg keeps its database; read directly, no child process. */
export const DPKG_STATUS_PATH = '/var/lib/dpkg/status';

/**
 * Parses `/var/lib/dpkg/status`: the packages whose status ends in `installed` (removed
 * packages that kept their config files, `deinstall ok config-files`, are not installed).
 */
export function parseDpkgStatus(text: string): Software[] {
  const out: Software[] = [];
  for (const record of controlRecords(text, /^([A-Za-z0-9-]+):\s?(.*)$/)) {
    const name = record.get('Package');
    const status = record.get('Status') ?? '';
    if (!name || status.split(/\s+/).at(-1) !== 'installed') continue;
    out.push(software('dpkg', name, record.get('Version') ?? '', { publisher: record.get('Maintainer') }));
  }
  return out;
}
