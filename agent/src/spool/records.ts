import {
  agentMessageSchema,
  isPlainRecord,
  isPlainValidAgentEvent,
  isPlainValidMetrics,
  metricsSchema,
  type PlainCheck,
  plainArray,
  plainBoolean,
  plainInteger,
  plainNumber,
  plainObject,
  plainOneOf,
  plainRequired,
  plainString,
  plainVariants,
} from '@vigie/shared';
import { z } from 'zod';
import type { Entry, SpoolItem } from '../transport/outbox-entries.js';

/** Bumped if the record shapes ever change incompatibly; a spool of another version is set aside. */
export const SPOOL_FORMAT_VERSION = 1;

/**
 * One line of a segment file (newline-delimited JSON). `head` opens every segment; a snapshot
 * segment holds the whole live state, so the segments before it are obsolete.
 */
export type SpoolRecord =
  | { readonly k: 'head'; readonly v: number; readonly nextId: number; readonly snapshot: boolean }
  | { readonly k: 'item'; readonly id: number; readonly at: number; readonly item: SpoolItem }
  | { readonly k: 'sent'; readonly boot: string; readonly seq: number; readonly ids: readonly number[] }
  | { readonly k: 'ack'; readonly boot: string; readonly seq: number }
  | { readonly k: 'drop'; readonly ids: readonly number[] };

const id = z.number().int().min(1);
/** The schema of record of a spool line. */
export const envelope = z.discriminatedUnion('k', [
  z.object({ k: z.literal('head'), v: z.number().int(), nextId: id, snapshot: z.boolean() }),
  z.object({ k: z.literal('item'), id, at: z.number(), item: z.record(z.string(), z.unknown()) }),
  z.object({ k: z.literal('sent'), boot: z.string(), seq: id, ids: z.array(id).min(1) }),
  z.object({ k: z.literal('ack'), boot: z.string(), seq: z.number().int().min(0) }),
  z.object({ k: z.literal('drop'), ids: z.array(id) }),
]);

// `envelope`'s hand-written twin (decision 0039): true only for a record it accepts unchanged, so
// a replay at start needs no zod for the records the agent wrote itself; anything else goes to zod.
const plainId = plainInteger(1, Number.MAX_SAFE_INTEGER);
const plainItem: PlainCheck = (value) => isPlainRecord(value) && !Object.hasOwn(value, '__proto__');
const k = (name: string) => ({ k: plainRequired(plainOneOf([name])) });
const plainEnvelope = plainVariants('k', {
  head: plainObject({
    ...k('head'),
    v: plainRequired(plainInteger(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)),
    nextId: plainRequired(plainId),
    snapshot: plainRequired(plainBoolean),
  }),
  item: plainObject({
    ...k('item'),
    id: plainRequired(plainId),
    at: plainRequired(plainNumber(-Number.MAX_VALUE, Number.MAX_VALUE)),
    item: plainRequired(plainItem),
  }),
  sent: plainObject({
    ...k('sent'),
    boot: plainRequired(plainString(0, Number.MAX_SAFE_INTEGER)),
    seq: plainRequired(plainId),
    ids: plainRequired(plainArray(plainId, 1, Number.MAX_SAFE_INTEGER)),
  }),
  ack: plainObject({
    ...k('ack'),
    boot: plainRequired(plainString(0, Number.MAX_SAFE_INTEGER)),
    seq: plainRequired(plainInteger(0, Number.MAX_SAFE_INTEGER)),
  }),
  drop: plainObject({ ...k('drop'), ids: plainRequired(plainArray(plainId, 0, Number.MAX_SAFE_INTEGER)) }),
});

/** A record line through the envelope: the hand-written check first, zod when it says no. */
export function parseEnvelope(json: unknown): z.infer<typeof envelope> | undefined {
  if (plainEnvelope(json)) return json as z.infer<typeof envelope>;
  const parsed = envelope.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

// Placeholders so an item can be checked against the wire schema of the message it will become.
const PROBE = { bootId: 'spool-probe', seq: 1 } as const;

/**
 * Whether a stored item would make a valid message: a line damaged on disk must not become a
 * frame the hub refuses (it would close the socket on every resend, forever).
 */
function validItem(item: Record<string, unknown>): item is Record<string, unknown> & SpoolItem {
  if (item.type === 'metrics') {
    const message = { type: 'metrics', ...PROBE, samples: [item.sample] };
    return isPlainValidMetrics(message) || metricsSchema.safeParse(message).success;
  }
  if (item.type === 'hello') return false;
  const message = { ...item, ...PROBE };
  return isPlainValidAgentEvent(message) || agentMessageSchema.safeParse(message).success;
}

/** Serialise a record as one line (JSON escapes newlines, so a record never spans two). */
export function encodeRecord(record: SpoolRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** Parse one line; undefined for a torn or damaged line (the caller counts and skips it). */
export function decodeRecord(line: string): SpoolRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  const record = parseEnvelope(json);
  if (record === undefined) return undefined;
  if (record.k !== 'item') return record;
  return validItem(record.item) ? { k: 'item', id: record.id, at: record.at, item: record.item } : undefined;
}

/** The item record of an entry (its size is recomputed on replay). */
export function itemRecord(entry: Entry): SpoolRecord {
  return { k: 'item', id: entry.id, at: entry.at, item: entry.item };
}
