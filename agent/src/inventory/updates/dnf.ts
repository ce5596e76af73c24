import { lines } from '../software/records.js';
import { type PendingUpdate, type PendingUpdates, summarise } from './pending.js';

/** `check-update` exits 100 when updates are available, 0 when none: neither is a failure. */
export const CHECK_UPDATE_EXIT = { none: 0, available: 100 } as const;

/**
 * Parses `dnf check-update` / `yum check-update`: whitespace-aligned `name.arch [epoch:]ver-rel repo`
 * rows after the header noise. A long name wraps, its version and repo on the next indented line.
 * The `Obsoleting Packages` section lists installed packages being replaced: not updates. Which
 * updates are security ones needs `updateinfo`, so `security` is unknown here.
 */
export function parseCheckUpdate(text: string, manager: 'dnf' | 'yum' = 'dnf'): PendingUpdates {
  const packages: PendingUpdate[] = [];
  let carried: string | undefined;
  for (const line of lines(text)) {
    if (/^Obsoleting Packages/i.test(line)) break;
    const cols = line.trim().split(/\s+/).filter(Boolean);
    if (carried !== undefined && /^\s/.test(line) && cols.length === 2) {
      cols.unshift(carried);
    }
    carried = undefined;
    if (cols.length === 1 && /^\S+\.\S+$/.test(line) && !line.includes(':')) {
      carried = cols[0];
      continue;
    }
    if (cols.length !== 3) continue;
    const [nameArch, version, repo] = cols as [string, string, string];
    const dot = nameArch.lastIndexOf('.');
    // A row has an arch suffix and a version with a digit; header lines have neither.
    if (dot <= 0 || !/\d/.test(version) || repo.startsWith('@')) continue;
    if (!/^[\w.+-]+$/.test(nameArch)) continue;
    packages.push({ name: nameArch.slice(0, dot), version, security: false });
  }
  return summarise(manager, packages, false);
}
