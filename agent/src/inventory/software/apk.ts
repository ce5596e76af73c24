import type { Software } from '@vigie/shared';
import { controlRecords, software } from './records.js';

/** Alpine's installed-package database; read directly, no child process. */
export const APK_DB_PATH = '/lib/apk/db/installed';

/**
 * Parses `/lib/apk/db/installed`: one `X:value` record per package (`P` name, `V` version with
 * its `-rN` release, `m` maintainer). apk keeps no install time (`t` is the build time).
 */
export function parseApkInstalled(text: string): Software[] {
  const out: Software[] = [];
  for (const record of controlRecords(text, /^([A-Za-z]):(.*)$/)) {
    const name = record.get('P');
    if (!name) continue;
    out.push(software('apk', name, record.get('V') ?? '', { publisher: record.get('m') }));
  }
  return out;
}
