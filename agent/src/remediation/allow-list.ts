import { isAbsolute, normalize } from 'node:path';
import { z } from 'zod';

/**
 * What this machine's admin allowed at install (`--allow-remediation`), kept in the agent's local
 * config: the hub's policy can pick among these and nothing else (decision 0029).
 */
export interface RemediationAllowList {
  readonly restartService: boolean;
  readonly clearPackageCache: boolean;
  /** Absolute folders under which clean-folder may delete old files. */
  readonly folders: readonly string[];
}

export const NOTHING_ALLOWED: RemediationAllowList = Object.freeze({
  restartService: false,
  clearPackageCache: false,
  folders: Object.freeze([]),
});

export type AllowListResult =
  | { readonly ok: true; readonly allow: RemediationAllowList }
  | { readonly ok: false; readonly message: string };

/** Folders that must never be cleaned, whatever an admin typed (a typo must not empty a system). */
const FORBIDDEN_FOLDERS = new Set([
  '/',
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/proc',
  '/sys',
  '/usr',
  '/var',
]);

/**
 * Parses `restart-service,clean-folder:/var/tmp,clear-package-cache` (comma-separated; `none` or
 * an empty string allows nothing). Never throws.
 */
export function parseAllowList(spec: string): AllowListResult {
  let restartService = false;
  let clearPackageCache = false;
  const folders: string[] = [];
  const items = spec
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '' && item !== 'none');
  for (const item of items) {
    if (item === 'restart-service') restartService = true;
    else if (item === 'clear-package-cache') clearPackageCache = true;
    else if (item.startsWith('clean-folder:')) {
      const folder = item.slice('clean-folder:'.length);
      const windows = /^[A-Za-z]:[\\/]/.test(folder);
      if (!isAbsolute(folder) && !windows)
        return { ok: false, message: `clean-folder needs an absolute folder (${item})` };
      const normalised = normalize(folder).replace(/[\\/]+$/, '') || '/';
      if (FORBIDDEN_FOLDERS.has(normalised))
        return { ok: false, message: `clean-folder cannot be ${normalised}` };
      folders.push(normalised);
    } else {
      return {
        ok: false,
        message: `unknown remediation "${item}" (known: restart-service, clean-folder:<folder>, clear-package-cache)`,
      };
    }
  }
  return {
    ok: true,
    allow: Object.freeze({ restartService, clearPackageCache, folders: Object.freeze(folders) }),
  };
}

/** `--allow-remediation` as a config value: the spec, read into its allow-list (or the problem). */
export const allowListSpec = z
  .string()
  .max(4096)
  .transform((spec, ctx): RemediationAllowList => {
    const parsed = parseAllowList(spec);
    if (parsed.ok) return parsed.allow;
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  });

/** The allow-list as `--allow-remediation` writes it (install keeps it in the config file). */
export function formatAllowList(allow: RemediationAllowList): string {
  return [
    ...(allow.restartService ? ['restart-service'] : []),
    ...allow.folders.map((folder) => `clean-folder:${folder}`),
    ...(allow.clearPackageCache ? ['clear-package-cache'] : []),
  ].join(',');
}
