import { join } from 'node:path';
import { createOutbox, type Outbox, type OutboxOptions } from '../transport/outbox.js';
import type { OutboxJournal, OutboxSnapshot } from '../transport/outbox-entries.js';
import { itemRecord, SPOOL_FORMAT_VERSION, type SpoolRecord } from './records.js';
import { replayRecords } from './replay.js';
import {
  listSegments,
  NODE_FS,
  readSegment,
  type SpoolFs,
  segmentName,
  writeSegment,
} from './segment-files.js';

export interface SpoolOptions extends Omit<OutboxOptions, 'journal' | 'restored' | 'clock'> {
  /** Directory of the segment files (created 0700 if missing). */
  readonly dir: string;
  readonly clock: () => number;
  /** The active segment is compacted into a fresh snapshot past this size. */
  readonly segmentBytes?: number;
  /** How long sends of samples only may stay unsynced; `SPOOL_DEFAULTS.samplesSyncMs` by default. */
  readonly samplesSyncMs?: number;
  readonly fs?: SpoolFs;
}

/** An outbox whose every change is on disk first, and the way to close its file. */
export interface Spool {
  readonly outbox: Outbox;
  /** What the previous run left: items not sent, and sent messages not acknowledged. */
  readonly recovered: { readonly unsent: number; readonly sent: number; readonly damagedLines: number };
  /** Whether writes currently fail (the outbox keeps working in memory meanwhile). */
  degraded(): boolean;
  /** Sync and close the active segment; idempotent. */
  close(): void;
}

export type OpenSpoolResult = { ok: true; spool: Spool } | { ok: false; message: string };

export const SPOOL_DEFAULTS = {
  segmentBytes: 4 * 1024 * 1024,
  retryAfterFailureMs: 30_000,
  /** Sends of samples only are fdatasynced at most this often (decision 0032); events at once. */
  samplesSyncMs: 60_000,
} as const;

function snapshotRecords(state: OutboxSnapshot): SpoolRecord[] {
  const records: SpoolRecord[] = [
    { k: 'head', v: SPOOL_FORMAT_VERSION, nextId: state.nextId, snapshot: true },
  ];
  for (const batch of state.sent) for (const entry of batch.entries) records.push(itemRecord(entry));
  for (const batch of state.sent) {
    records.push({ k: 'sent', boot: batch.bootId, seq: batch.seq, ids: batch.entries.map((e) => e.id) });
  }
  for (const entry of state.unsent) records.push(itemRecord(entry));
  return records;
}

/**
 * Open (or create) the spool in `dir`: replay what a previous run left, rewrite it as one
 * snapshot segment, and return an outbox that journals every change to it. Never throws.
 */
export function openSpool(options: SpoolOptions): OpenSpoolResult {
  const { dir, log, clock } = options;
  const files = options.fs ?? NODE_FS;
  const segmentBytes = options.segmentBytes ?? SPOOL_DEFAULTS.segmentBytes;
  const samplesSyncMs = options.samplesSyncMs ?? SPOOL_DEFAULTS.samplesSyncMs;
  let restored: OutboxSnapshot;
  let damagedLines = 0;
  let segment = 0;
  let fd: number | undefined;
  try {
    files.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const numbers = listSegments(files, dir);
    const segments = numbers.map((n) => ({ n, ...readSegment(files, join(dir, segmentName(n))) }));
    // Start from the newest complete snapshot: the segments before it were already folded into it.
    let start = 0;
    segments.forEach((s, index) => {
      const head = s.records[0];
      if (head?.k === 'head' && head.snapshot) start = index;
    });
    const usable = segments.slice(start);
    damagedLines = usable.reduce((total, s) => total + s.damaged, 0);
    restored = replayRecords(usable.flatMap((s) => s.records));
    segment = (numbers.at(-1) ?? 0) + 1;
    writeSegment(files, dir, segment, snapshotRecords(restored));
    for (const n of numbers) files.unlinkSync(join(dir, segmentName(n)));
    fd = files.openSync(join(dir, segmentName(segment)), 'a', 0o600);
  } catch (error) {
    return { ok: false, message: `cannot open the spool in ${dir}: ${(error as Error).message}` };
  }
  if (damagedLines > 0) log.warn('spool had damaged lines; they were skipped', { dir, damagedLines });

  let size = 0;
  let dirty = false;
  let closed = false;
  let failedAt: number | undefined;
  // The last time everything written was durable (a snapshot segment is fsynced when written).
  let syncedAt = clock();

  function fail(error: unknown): void {
    if (failedAt === undefined) {
      log.error('cannot write the spool: keeping messages in memory until it works again', {
        dir,
        error: (error as Error).message,
      });
    }
    failedAt = clock();
  }

  function append(record: SpoolRecord): void {
    if (fd === undefined || failedAt !== undefined) return;
    try {
      size += files.writeSync(fd, `${JSON.stringify(record)}\n`);
      dirty = true;
    } catch (error) {
      fail(error);
    }
  }

  /** Rewrite the live state as a new snapshot segment and drop the older ones. */
  function compact(state: OutboxSnapshot): void {
    if (closed) return;
    try {
      const next = segment + 1;
      const written = writeSegment(files, dir, next, snapshotRecords(state));
      const previous = fd;
      fd = undefined;
      if (previous !== undefined) files.closeSync(previous);
      fd = files.openSync(join(dir, segmentName(next)), 'a', 0o600);
      files.unlinkSync(join(dir, segmentName(segment)));
      segment = next;
      size = written;
      dirty = false;
      syncedAt = clock();
      if (failedAt !== undefined) log.info('spool writable again', { dir });
      failedAt = undefined;
    } catch (error) {
      fail(error);
    }
  }

  const journal: OutboxJournal = {
    queued: (entry) => append(itemRecord(entry)),
    sent: (batch) =>
      append({ k: 'sent', boot: batch.bootId, seq: batch.seq, ids: batch.entries.map((e) => e.id) }),
    acked: (bootId, seq) => append({ k: 'ack', boot: bootId, seq }),
    dropped: (ids) => append({ k: 'drop', ids }),
    sync() {
      if (fd === undefined || !dirty || failedAt !== undefined) return;
      try {
        files.fdatasyncSync(fd);
        dirty = false;
        syncedAt = clock();
      } catch (error) {
        fail(error);
      }
    },
    syncSamples() {
      // One fdatasync was ~11 % of a steady cycle's CPU; a minute of samples is what a power cut
      // may then resend under a new boot (page cache survives a process crash: kill -9 loses none).
      if (clock() - syncedAt >= samplesSyncMs) journal.sync();
    },
    maintain(snapshot) {
      // After a failure the whole state is rewritten (what was missed included) once writes work again.
      const retry = failedAt !== undefined && clock() - failedAt >= SPOOL_DEFAULTS.retryAfterFailureMs;
      if (retry || (failedAt === undefined && size > segmentBytes)) compact(snapshot());
    },
  };

  const outbox = createOutbox({ ...options, journal, restored });
  return {
    ok: true,
    spool: {
      outbox,
      recovered: {
        unsent: restored.unsent.length,
        sent: restored.sent.length,
        damagedLines,
      },
      degraded: () => failedAt !== undefined,
      close() {
        if (closed) return;
        journal.sync();
        closed = true;
        try {
          if (fd !== undefined) files.closeSync(fd);
        } catch {
          // Closing is best effort: everything that matters was synced just above.
        }
        fd = undefined;
      },
    },
  };
}
