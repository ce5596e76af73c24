import type { Software } from '@vigie/shared';
import { lines, software } from './records.js';

/** The command the agent runs; `--color never` keeps the verified mark a plain `*`. */
export const SNAP_ARGS = ['list', '--color', 'never', '--unicode', 'never'] as const;

/**
 * Parses `snap list`: a header row, then space-aligned columns Name, Version, Rev, Tracking,
 * Publisher, Notes. The publisher's verified mark (`*`, `**`, `✓`, `✪`) is dropped; disabled
 * revisions are not installed software.
 */
export function parseSnapList(text: string): Software[] {
  const out: Software[] = [];
  for (const line of lines(text)) {
    const cols = line.trim().split(/\s+/);
    const [name, version, , , publisher, notes] = cols;
    if (!name || !version || name === 'Name') continue;
    if (notes?.split(',').includes('disabled')) continue;
    // Escaped: one character above U+00FF in the bundle makes V8 hold its whole source as UTF-16 (2×).
    const clean = publisher?.replace(/[*\u2713\u272A]+$/u, '');
    out.push(software('snap', name, version, { publisher: clean === '-' ? undefined : clean }));
  }
  return out;
}
