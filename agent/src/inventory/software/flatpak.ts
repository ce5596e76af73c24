import type { Software } from '@vigie/shared';
import { lines, software } from './records.js';

/** The command the agent runs: tab-separated columns, apps and runtimes of every installation. */
export const FLATPAK_ARGS = ['list', '--columns=application,version,branch,installation,name'] as const;

/**
 * Parses `flatpak list` with FLATPAK_ARGS. The same application id appears once per branch and
 * installation (system, user), so each line is its own entry; a missing version falls back to
 * the branch. A header row, printed on a terminal, is skipped.
 */
export function parseFlatpakList(text: string): Software[] {
  const out: Software[] = [];
  for (const line of lines(text)) {
    const [app, version, branch, , name] = line.split('\t').map((c) => c.trim());
    if (!app || app === 'Application ID' || app === 'Application') continue;
    out.push(software('flatpak', name || app, version || branch || ''));
  }
  return out;
}
