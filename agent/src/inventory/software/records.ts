import { isPlainValidSoftware, type Software, softwareSchema } from '@vigie/shared';

/** Splits a text into lines, whatever its line endings (CRLF from Windows, LF elsewhere). */
export function lines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}

/**
 * Splits Debian-style control text (dpkg status, apk db) into records: blank lines separate
 * records, `Key: value` (or `K:value`) starts a field, a line starting with a space continues it.
 */
export function controlRecords(text: string, separator: RegExp): Map<string, string>[] {
  const records: Map<string, string>[] = [];
  let current = new Map<string, string>();
  let lastKey: string | undefined;
  for (const line of lines(text)) {
    if (line.trim() === '') {
      if (current.size > 0) records.push(current);
      current = new Map();
      lastKey = undefined;
      continue;
    }
    if ((line.startsWith(' ') || line.startsWith('\t')) && lastKey !== undefined) {
      current.set(lastKey, `${current.get(lastKey) ?? ''}\n${line.trim()}`);
      continue;
    }
    const match = separator.exec(line);
    if (!match?.[1]) continue;
    lastKey = match[1];
    // The first occurrence wins: apk repeats file keys (F:, R:) that are not package facts.
    if (!current.has(lastKey)) current.set(lastKey, (match[2] ?? '').trim());
  }
  if (current.size > 0) records.push(current);
  return records;
}

/** Builds a software entry, leaving out empty optional fields. */
export function software(
  source: string,
  name: string,
  version: string,
  extra: { publisher?: string | undefined; installedAt?: number | undefined } = {},
): Software {
  const item: Software = { name: name.trim(), version: version.trim(), source };
  const publisher = extra.publisher?.trim();
  if (publisher) item.publisher = publisher;
  if (extra.installedAt !== undefined && Number.isFinite(extra.installedAt) && extra.installedAt > 0)
    item.installedAt = Math.round(extra.installedAt);
  return item;
}

/** What bounding a list left out, so the collector can log it once. */
export interface Bounded {
  readonly items: Software[];
  readonly invalid: number;
  readonly overflow: number;
}

/**
 * Keeps the entries the wire accepts, verbatim: one with an empty or over-long name, version or
 * publisher is left out (never truncated), and at most `max` entries are kept.
 */
export function boundSoftware(items: readonly Software[], max: number): Bounded {
  // The hand-written check first, zod when it says no (decision 0039).
  const valid = items.filter((item) => isPlainValidSoftware(item) || softwareSchema.safeParse(item).success);
  return {
    items: valid.slice(0, max),
    invalid: items.length - valid.length,
    overflow: Math.max(0, valid.length - max),
  };
}
