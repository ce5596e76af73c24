import type { ExecFile } from '../collectors/deps.js';

/** The package managers N0 knows, with their fixed cleaning command (tried in this order). */
const CLEANERS = [
  { file: 'apt-get', args: ['clean'] },
  { file: 'dnf', args: ['clean', 'all'] },
] as const;

export type PackageCacheResult =
  | { readonly ok: true; readonly tool: string }
  | { readonly ok: false; readonly reason: 'unsupported' | 'failed'; readonly exitCode?: number };

/** `apt-get clean`, else `dnf clean all`; `unsupported` when neither exists (ENOENT). */
export async function clearPackageCache(exec: ExecFile): Promise<PackageCacheResult> {
  for (const cleaner of CLEANERS) {
    try {
      await exec(cleaner.file, cleaner.args);
      return { ok: true, tool: cleaner.file };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      const code = (error as { code?: unknown }).code;
      return { ok: false, reason: 'failed', ...(typeof code === 'number' && { exitCode: code }) };
    }
  }
  return { ok: false, reason: 'unsupported' };
}
