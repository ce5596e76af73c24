import type { Software } from '@vigie/shared';
import { lines, software } from './records.js';

/**
 * The uninstall keys the agent exports on Windows (`reg export <key> <file> /y`): machine-wide
 * 64-bit and 32-bit views, and the current user's. The parser below is what is tested here.
 */
export const UNINSTALL_KEYS = [
  'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall',
  'HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall',
  'HKCU\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall',
] as const;

/** Decodes a `reg export` file: UTF-16LE with a BOM (regedit 5.00), or UTF-8/ANSI (REGEDIT4). */
export function decodeRegExport(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

type RegValue = string | number;

// `"Name"="str"` (with \\ and \" escapes), `"Name"=dword:hex`, `"Name"=hex(2):bytes`, `@=...`.
const VALUE = /^(?:"((?:[^"\\]|\\.)*)"|@)=(.*)$/;

function unescapeReg(quoted: string): string {
  return quoted.replace(/\\(.)/g, '$1');
}

function decodeValue(raw: string): RegValue | undefined {
  if (raw.startsWith('"') && raw.endsWith('"')) return unescapeReg(raw.slice(1, -1));
  if (raw.startsWith('dword:')) return Number.parseInt(raw.slice(6), 16);
  // REG_EXPAND_SZ / REG_MULTI_SZ: comma-separated UTF-16LE bytes, NUL-terminated.
  const hex = /^hex\((2|7)\):(.*)$/.exec(raw);
  if (hex) {
    const bytes = Uint8Array.from(
      (hex[2] ?? '')
        .split(',')
        .filter((b) => b.trim() !== '')
        .map((b) => Number.parseInt(b, 16)),
    );
    return new TextDecoder('utf-16le').decode(bytes).replace(/\0+$/, '').replace(/\0/g, '\n');
  }
  return undefined;
}

/** Joins `\`-continued lines (regedit wraps hex values at 80 columns) into one logical line. */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const line of lines(text)) {
    const joined = pending === '' ? line : pending + line.trimStart();
    if (joined.endsWith('\\') && !joined.trimEnd().endsWith('"')) {
      pending = joined.slice(0, -1);
      continue;
    }
    pending = '';
    out.push(joined);
  }
  if (pending !== '') out.push(pending);
  return out;
}

/** A key's values by lower-cased name; registry value names are case-insensitive. */
export function parseRegKeys(text: string): Map<string, Map<string, RegValue>> {
  const keys = new Map<string, Map<string, RegValue>>();
  let current: Map<string, RegValue> | undefined;
  for (const line of logicalLines(text)) {
    const key = /^\[(.+)\]$/.exec(line.trim());
    if (key?.[1]) {
      current = new Map();
      keys.set(key[1], current);
      continue;
    }
    const value = VALUE.exec(line);
    if (!value || !current) continue;
    const decoded = decodeValue(value[2] ?? '');
    if (decoded !== undefined) current.set(unescapeReg(value[1] ?? '').toLowerCase(), decoded);
  }
  return keys;
}

const UPDATE_RELEASE_TYPES = new Set([
  'security update',
  'update',
  'hotfix',
  'update rollup',
  'service pack',
]);

/** `registry` (64-bit or only view), `registry-wow64` (32-bit on 64-bit), `registry-user`. */
function sourceOf(path: string): string {
  if (/^HKEY_(USERS|CURRENT_USER)\\/i.test(path)) return 'registry-user';
  return /\\WOW6432Node\\/i.test(path) ? 'registry-wow64' : 'registry';
}

function installDate(value: RegValue | undefined): number | undefined {
  const m = typeof value === 'string' ? /^(\d{4})(\d{2})(\d{2})$/.exec(value.trim()) : null;
  if (!m) return undefined;
  const at = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(at) ? undefined : at;
}

/**
 * Parses a decoded export of uninstall keys: one entry per direct subkey of an `Uninstall` key
 * that has a DisplayName. Hotfixes and updates (KB keys, ParentKeyName, update release types)
 * and SystemComponent=1 entries are not installed programs as Add/Remove Programs shows them.
 */
export function parseRegistryUninstall(text: string): Software[] {
  const out: Software[] = [];
  for (const [path, values] of parseRegKeys(text)) {
    const sub = /\\Uninstall\\([^\\]+)$/i.exec(path)?.[1];
    const name = values.get('displayname');
    if (!sub || typeof name !== 'string' || name.trim() === '') continue;
    if (values.get('systemcomponent') === 1 || values.has('parentkeyname')) continue;
    const release = values.get('releasetype');
    if (typeof release === 'string' && UPDATE_RELEASE_TYPES.has(release.toLowerCase())) continue;
    if (/^KB\d+/i.test(sub)) continue;
    const version = values.get('displayversion');
    const publisher = values.get('publisher');
    out.push(
      software(sourceOf(path), name, typeof version === 'string' ? version : '', {
        publisher: typeof publisher === 'string' ? publisher : undefined,
        installedAt: installDate(values.get('installdate')),
      }),
    );
  }
  return out;
}
