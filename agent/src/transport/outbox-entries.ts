import type {
  CheckSnapshotMessage,
  CheckStateMessage,
  InventoryMessage,
  ProbeResultMessage,
  RemediationResultMessage,
  Sample,
} from '@vigie/shared';

/** A check transition before it gets its `(bootId, seq)`. */
export type CheckStateReport = Omit<CheckStateMessage, 'bootId' | 'seq'>;
/** A snapshot of every check before it gets its `(bootId, seq)`. */
export type CheckSnapshotItem = Omit<CheckSnapshotMessage, 'bootId' | 'seq'>;
/** An inventory chunk before it gets its `(bootId, seq)`. */
export type InventoryChunk = Omit<InventoryMessage, 'bootId' | 'seq'>;
/** A probe run's result before it gets its `(bootId, seq)`. */
export type ProbeResultItem = Omit<ProbeResultMessage, 'bootId' | 'seq'>;
/** What an N0 attempt came to, before it gets its `(bootId, seq)` (decision 0029). */
export type RemediationResultItem = Omit<RemediationResultMessage, 'bootId' | 'seq'>;
/** What the runtime hands to the outbox: one sample, one check transition or snapshot, one inventory chunk, one probe result. */
export type OutboxItem =
  | { readonly type: 'metrics'; readonly sample: Sample }
  | CheckStateReport
  | CheckSnapshotItem
  | InventoryChunk
  | ProbeResultItem
  | RemediationResultItem;
/** Samples the outbox dropped over its bounds; it becomes a `metricsGap` message. */
export interface GapItem {
  readonly type: 'metricsGap';
  readonly from: number;
  readonly to: number;
  readonly count: number;
}
/** Anything the outbox keeps: what the runtime queued, plus the gap records it wrote itself. */
export type SpoolItem = OutboxItem | GapItem;

/** Events are never dropped before the hard bound; metrics go first, leaving a gap record. */
export type ItemClass = 'event' | 'metric';

/** One queued item, numbered in arrival order (ids never repeat, across restarts too). */
export interface Entry {
  readonly id: number;
  /** When it was queued (agent clock): the age bound looks at this. */
  readonly at: number;
  /** Serialised size, what the byte bounds count. */
  readonly bytes: number;
  readonly item: SpoolItem;
}

/** Entries sent as one message under `(bootId, seq)`; kept until the hub acknowledges that seq. */
export interface SentBatch {
  readonly bootId: string;
  readonly seq: number;
  readonly entries: readonly Entry[];
}

/** Everything the outbox holds, to rebuild it after a restart or to write a compacted spool. */
export interface OutboxSnapshot {
  readonly nextId: number;
  /** Not sent yet, in id order. */
  readonly unsent: readonly Entry[];
  /** Sent and unacknowledged, in the order they were sent (old boots first after a restart). */
  readonly sent: readonly SentBatch[];
}

/**
 * Where the outbox writes what it does, before doing it. The in-memory outbox has none; the spool
 * (agent/src/spool) appends each call to a segment file.
 */
export interface OutboxJournal {
  /** An item was queued; or, for an id already queued and unsent, replaced (a gap that grew). */
  queued(entry: Entry): void;
  /** Entries got `(bootId, seq)`: must be durable before the message leaves (see `sync`). */
  sent(batch: SentBatch): void;
  acked(bootId: string, seq: number): void;
  dropped(ids: readonly number[]): void;
  /** Make everything journaled so far durable now: an event queued, or a batch with one sent. */
  sync(): void;
  /**
   * Batches of samples only are about to leave: the journal may defer their sync (decision 0032).
   * A process crash loses nothing either way; a power cut may resend them under a new boot.
   */
  syncSamples(): void;
  /** Called after each operation: rewrite the journal from `snapshot()` when it grew too long. */
  maintain(snapshot: () => OutboxSnapshot): void;
}

/** Which bound applies to an item. */
export function classOf(item: SpoolItem): ItemClass {
  return item.type === 'metrics' ? 'metric' : 'event';
}

/** Serialised size of an item as it will travel (the sample alone for metrics). */
export function sizeOf(item: SpoolItem): number {
  return Buffer.byteLength(JSON.stringify(item.type === 'metrics' ? item.sample : item));
}
