import type { Software } from '@vigie/shared';
import { software } from './records.js';

/** The command the agent runs on macOS 10.15+ (JSON output); older releases only print XML. */
export const SYSTEM_PROFILER_ARGS = ['SPApplicationsDataType', '-json', '-detailLevel', 'mini'] as const;

interface AppItem {
  _name?: unknown;
  version?: unknown;
  lastModified?: unknown;
  obtained_from?: unknown;
  signed_by?: unknown;
}

// "Developer ID Application: Google LLC (EQHXZ8M8AV)" → "Google LLC".
function signer(signedBy: unknown): string | undefined {
  const first = Array.isArray(signedBy) ? signedBy[0] : undefined;
  if (typeof first !== 'string') return undefined;
  const m = /^Developer ID Application: (.+?)(?: \([A-Z0-9]+\))?$/.exec(first);
  return m?.[1];
}

function publisherOf(app: AppItem): string | undefined {
  if (app.obtained_from === 'apple') return 'Apple';
  return signer(app.signed_by);
}

/**
 * Parses `system_profiler SPApplicationsDataType -json`: apps under `SPApplicationsDataType`,
 * each with a localized `_name`, an optional `version` and `lastModified` (ISO-8601; macOS
 * keeps no install date, so the bundle's modification time stands in). Bad JSON gives [].
 */
export function parseMacApplications(text: string): Software[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const items = (parsed as { SPApplicationsDataType?: unknown } | null)?.SPApplicationsDataType;
  if (!Array.isArray(items)) return [];
  const out: Software[] = [];
  for (const app of items as AppItem[]) {
    if (typeof app?._name !== 'string' || app._name.trim() === '') continue;
    const modified = typeof app.lastModified === 'string' ? Date.parse(app.lastModified) : Number.NaN;
    out.push(
      software('applications', app._name, typeof app.version === 'string' ? app.version : '', {
        publisher: publisherOf(app),
        installedAt: Number.isNaN(modified) ? undefined : modified,
      }),
    );
  }
  return out;
}
