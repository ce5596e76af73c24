import { join, relative, sep } from 'node:path';
import { REMEDIATION_LIMITS } from '@vigie/shared';
import { lstat, opendir, realpath, unlink } from '../runtime/fs-async.js';

export type CleanFolderResult =
  | { readonly ok: true; readonly removedFiles: number; readonly freedBytes: number }
  | { readonly ok: false; readonly reason: 'not-allowed' | 'invalid-params' };

/** True if `path` is `folder` or inside it (both canonical). */
export function isInside(folder: string, path: string): boolean {
  if (path === folder) return true;
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep);
}

/**
 * Deletes regular files older than `olderThanDays` under `folder`, which must be (after
 * realpath) one of the allowed folders or inside one. Symbolic links are never followed: a link
 * is neither deleted through nor descended into, so a link pointing outside cannot lead the
 * deletion there. At most REMEDIATION_LIMITS.maxFilesVisited entries are looked at; emptied
 * sub-folders are left in place (an application may expect them).
 */
export async function cleanFolder(input: {
  readonly folder: string;
  readonly allowed: readonly string[];
  readonly olderThanDays: number;
  readonly now: number;
}): Promise<CleanFolderResult> {
  let root: string;
  try {
    root = await realpath(input.folder);
  } catch {
    return { ok: false, reason: 'invalid-params' };
  }
  const allowedRoots: string[] = [];
  for (const folder of input.allowed) {
    // An allowed folder that does not exist (yet) allows nothing.
    const canonical = await realpath(folder).catch(() => undefined);
    if (canonical !== undefined) allowedRoots.push(canonical);
  }
  if (!allowedRoots.some((allowed) => isInside(allowed, root))) return { ok: false, reason: 'not-allowed' };
  const rootInfo = await lstat(root).catch(() => undefined);
  if (!rootInfo?.isDirectory()) return { ok: false, reason: 'invalid-params' };

  const cutoff = input.now - input.olderThanDays * 86_400_000;
  let visited = 0;
  let removedFiles = 0;
  let freedBytes = 0;

  async function walk(dir: string, depth: number): Promise<void> {
    if (depth > REMEDIATION_LIMITS.maxDepth) return;
    const handle = await opendir(dir).catch(() => undefined);
    if (!handle) return;
    for await (const entry of handle) {
      if (++visited > REMEDIATION_LIMITS.maxFilesVisited) break;
      const path = join(dir, entry.name);
      // lstat, never stat: a symlink is judged as the link itself and left alone.
      const info = await lstat(path).catch(() => undefined);
      if (!info || info.isSymbolicLink()) continue;
      if (info.isDirectory()) {
        await walk(path, depth + 1);
        continue;
      }
      if (!info.isFile() || info.mtimeMs >= cutoff) continue;
      // A folder swapped for a link between the walk and the unlink would move us: check again.
      const parent = await realpath(dir).catch(() => undefined);
      if (parent === undefined || !isInside(root, parent)) continue;
      try {
        await unlink(path);
        removedFiles += 1;
        freedBytes += info.size;
      } catch {
        // In use, permission, gone meanwhile: not ours to force.
      }
    }
  }
  await walk(root, 0);
  return { ok: true, removedFiles, freedBytes };
}
