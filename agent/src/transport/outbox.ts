import { type AgentDataMessage, LIMITS } from '@vigie/shared';
import type { Log } from '../logger.js';
import {
  classOf,
  type Entry,
  type GapItem,
  type OutboxItem,
  type OutboxJournal,
  type OutboxSnapshot,
  type SentBatch,
  sizeOf,
} from './outbox-entries.js';
import { createPacer } from './pacer.js';

export type { CheckSnapshotItem, CheckStateReport, InventoryChunk, OutboxItem } from './outbox-entries.js';

/** Bounds of what the outbox holds (queued and unacknowledged), in bytes and age. */
export interface OutboxLimits {
  /** Hard bound: past it even the oldest unsent events go (logged as errors). */
  readonly maxBytes: number;
  /** Past it the oldest unsent samples go, leaving a gap record. Default ¾ of `maxBytes`. */
  readonly softMaxBytes?: number;
  /** Unsent samples older than this go, leaving a gap record. Events are bounded by bytes only. */
  readonly maxAgeMs: number;
}

export const OUTBOX_DEFAULTS = {
  limits: { maxBytes: 64 * 1024 * 1024, maxAgeMs: 7 * 86_400_000 },
  /** Messages sent and not yet acknowledged; past it the outbox waits for acks (flow control). */
  window: 32,
  /** A backlog batch stays well under the frame limit even with the envelope around it. */
  maxBatchBytes: LIMITS.maxFrameBytes / 2,
  maxBatchSamples: LIMITS.maxSamplesPerBatch,
  /** Backlog metrics messages per second after an outage (live data and events are not paced). */
  drainRatePerSec: 2,
} as const;

export interface OutboxOptions {
  readonly bootId: string;
  readonly log: Log;
  readonly clock?: () => number;
  readonly limits?: OutboxLimits;
  readonly window?: number;
  readonly maxBatchBytes?: number;
  readonly maxBatchSamples?: number;
  readonly drainRatePerSec?: number;
  /** Where every change is written first (the on-disk spool); none keeps the outbox in memory. */
  readonly journal?: OutboxJournal;
  /** What a previous run left unacknowledged (read back from the spool). */
  readonly restored?: OutboxSnapshot;
}

/** Counters for logs and `status`. */
export interface OutboxStats {
  readonly queued: number;
  readonly queuedBytes: number;
  readonly inFlight: number;
  readonly lastSeq: number;
  /** Samples dropped over the bounds (each covered by a gap record). */
  readonly dropped: number;
  /** Events dropped past the hard bound (nothing records them: the log does). */
  readonly droppedEvents: number;
}

/**
 * Holds what the hub has not acknowledged yet. Seqs are assigned only when a message is about to
 * be sent, so reordering (events before samples) and dropping queued samples never leave a hole
 * in the seq range the hub acknowledges.
 */
export interface Outbox {
  readonly bootId: string;
  /** Queue an item for sending; false (and logged) when it could never fit in a frame. */
  enqueue(item: OutboxItem): boolean;
  /** Next messages to send, seq assigned: events first, then live samples, then paced backlog. */
  takeSendable(): AgentDataMessage[];
  /** Forget the sent messages of `bootId` up to and including `seq`; returns how many. */
  ack(bootId: string, seq: number): number;
  /** Sent but unacknowledged messages, any boot, in sending order: what to resend after a reconnect. */
  pending(): readonly AgentDataMessage[];
  /** Everything queued now is backlog: it drains at the paced rate, behind what comes next. */
  markBacklog(): void;
  /** When paced backlog could go next (ms), or undefined when only an enqueue or an ack can help. */
  wakeInMs(): number | undefined;
  stats(): OutboxStats;
}

/** An outbox for one boot of the agent: in memory, or on disk when given a journal. */
export function createOutbox(options: OutboxOptions): Outbox {
  const { bootId, log, journal } = options;
  const clock = options.clock ?? Date.now;
  const limits: OutboxLimits = options.limits ?? OUTBOX_DEFAULTS.limits;
  const softMaxBytes = limits.softMaxBytes ?? Math.floor((limits.maxBytes * 3) / 4);
  const window = options.window ?? OUTBOX_DEFAULTS.window;
  // A quarter of the window is kept for events: a fresh alert never waits for samples' acks.
  const metricsWindow = Math.max(1, window - Math.ceil(window / 4));
  const maxBatchBytes = options.maxBatchBytes ?? OUTBOX_DEFAULTS.maxBatchBytes;
  const maxBatchSamples = options.maxBatchSamples ?? OUTBOX_DEFAULTS.maxBatchSamples;
  const pacer = createPacer(options.drainRatePerSec ?? OUTBOX_DEFAULTS.drainRatePerSec);
  const restored = options.restored;
  let nextId = restored?.nextId ?? 1;
  const events: Entry[] = (restored?.unsent ?? []).filter((e) => classOf(e.item) === 'event');
  const metrics: Entry[] = (restored?.unsent ?? []).filter((e) => classOf(e.item) === 'metric');
  let sent: SentBatch[] = [...(restored?.sent ?? [])];
  let lastSeq = Math.max(0, ...sent.filter((b) => b.bootId === bootId).map((b) => b.seq));
  // Restored entries are backlog; what is queued from now on is live until the next markBacklog().
  let liveFrom = nextId;
  // The gap record still growing: later drops extend it while they stay adjacent to it.
  let openGapId: number | undefined;
  const stats = { dropped: 0, droppedEvents: 0 };
  const sum = (entries: readonly Entry[]) => entries.reduce((total, e) => total + e.bytes, 0);
  let unsentBytes = sum(events) + sum(metrics);
  let sentBytes = sent.reduce((total, b) => total + sum(b.entries), 0);

  const snapshot = (): OutboxSnapshot => ({ nextId, unsent: [...events, ...metrics], sent });

  function recordGap(removed: Entry[]): void {
    const ats = removed.flatMap((e) => (e.item.type === 'metrics' ? [e.item.sample.at] : []));
    const index = openGapId === undefined ? -1 : events.findIndex((e) => e.id === openGapId);
    const open = index >= 0 ? events[index] : undefined;
    const previous = open?.item.type === 'metricsGap' ? open.item : undefined;
    const item: GapItem = {
      type: 'metricsGap',
      from: Math.min(...ats, previous?.from ?? Number.POSITIVE_INFINITY),
      to: Math.max(...ats, previous?.to ?? 0),
      count: removed.length + (previous?.count ?? 0),
    };
    const entry: Entry = { id: open?.id ?? nextId++, at: open?.at ?? clock(), bytes: sizeOf(item), item };
    // Written before the samples' drop: a crash in between declares a gap that still has data, never the reverse.
    journal?.queued(entry);
    if (open) {
      unsentBytes += entry.bytes - open.bytes;
      events[index] = entry;
    } else {
      unsentBytes += entry.bytes;
      events.push(entry);
    }
    openGapId = entry.id;
  }

  function dropOldestMetrics(shouldDrop: (oldest: Entry) => boolean): number {
    const removed: Entry[] = [];
    while (metrics.length > 0 && shouldDrop(metrics[0]!)) removed.push(metrics.shift()!);
    if (removed.length === 0) return 0;
    unsentBytes -= sum(removed);
    recordGap(removed);
    journal?.dropped(removed.map((e) => e.id));
    stats.dropped += removed.length;
    return removed.length;
  }

  function enforceBounds(now: number): void {
    const held = () => unsentBytes + sentBytes;
    const byAge = dropOldestMetrics((oldest) => now - oldest.at > limits.maxAgeMs);
    const bySize = dropOldestMetrics(() => held() > softMaxBytes);
    if (byAge + bySize > 0) {
      log.warn('spool over its bounds: dropped the oldest samples', {
        byAge,
        bySize,
        dropped: stats.dropped,
      });
    }
    const removed: Entry[] = [];
    // Events go only past the hard bound, oldest first; the newest one is never its own victim.
    while (held() > limits.maxBytes && events.length > 1) {
      const victim = events.shift()!;
      unsentBytes -= victim.bytes;
      removed.push(victim);
    }
    if (removed.length === 0) return;
    journal?.dropped(removed.map((e) => e.id));
    stats.droppedEvents += removed.length;
    log.error('spool full: dropped the oldest unsent events', {
      dropped: removed.length,
      types: removed.map((e) => e.item.type),
      droppedEvents: stats.droppedEvents,
    });
  }

  /** Contiguous samples from `start`, before `end`, within the batch bounds. */
  function takeBatch(start: number, end: number): Entry[] {
    let count = 0;
    let bytes = 0;
    while (start + count < end && count < maxBatchSamples) {
      const next = metrics[start + count]!;
      if (count > 0 && bytes + next.bytes > maxBatchBytes) break;
      bytes += next.bytes;
      count += 1;
    }
    return metrics.splice(start, count);
  }

  function nextEntries(now: number): Entry[] | undefined {
    if (events.length > 0) return [events.shift()!];
    const metricsInFlight = sent.filter((b) => b.entries[0]?.item.type === 'metrics').length;
    if (metrics.length === 0 || metricsInFlight >= metricsWindow) return undefined;
    const liveIndex = liveStart();
    if (liveIndex < metrics.length) return takeBatch(liveIndex, metrics.length);
    if (!pacer.take(now)) return undefined;
    openGapId = undefined;
    return takeBatch(0, liveIndex);
  }

  function liveStart(): number {
    const index = metrics.findIndex((e) => e.id >= liveFrom);
    return index < 0 ? metrics.length : index;
  }

  return {
    bootId,
    enqueue(item) {
      const bytes = sizeOf(item);
      // Refused here, before it has a seq: sent, the hub would close the socket (1009) forever.
      if (bytes > maxBatchBytes) {
        log.error('message too large for one frame: not sent', { type: item.type, bytes, maxBatchBytes });
        return false;
      }
      const now = clock();
      const entry: Entry = { id: nextId++, at: now, bytes, item };
      const cls = classOf(item);
      journal?.queued(entry);
      // An event must survive a power cut from the moment it is queued; samples ride on the next sync.
      if (cls === 'event') journal?.sync();
      (cls === 'event' ? events : metrics).push(entry);
      unsentBytes += bytes;
      enforceBounds(now);
      journal?.maintain(snapshot);
      return true;
    },
    takeSendable() {
      const now = clock();
      const out: SentBatch[] = [];
      while (sent.length < window) {
        const entries = nextEntries(now);
        if (!entries || entries.length === 0) break;
        if (entries.some((e) => e.id === openGapId)) openGapId = undefined;
        lastSeq += 1;
        const batch: SentBatch = { bootId, seq: lastSeq, entries };
        const bytes = sum(entries);
        unsentBytes -= bytes;
        sentBytes += bytes;
        journal?.sent(batch);
        sent.push(batch);
        out.push(batch);
      }
      // An event is durable before it leaves: after a power cut it is resent under the same (bootId,
      // seq), never a new one. Samples alone may ride on a later sync (decision 0032).
      if (out.some((batch) => batch.entries.some((e) => classOf(e.item) === 'event'))) journal?.sync();
      else if (out.length > 0) journal?.syncSamples();
      journal?.maintain(snapshot);
      return out.map(toMessage);
    },
    ack(ackedBoot, seq) {
      const keep = sent.filter((b) => b.bootId !== ackedBoot || b.seq > seq);
      const forgotten = sent.length - keep.length;
      if (forgotten === 0) return 0;
      sentBytes = keep.reduce((total, b) => total + sum(b.entries), 0);
      sent = keep;
      journal?.acked(ackedBoot, seq);
      journal?.maintain(snapshot);
      return forgotten;
    },
    pending: () => sent.map(toMessage),
    markBacklog() {
      liveFrom = nextId;
    },
    wakeInMs() {
      if (sent.length >= window || events.length > 0 || liveStart() === 0) return undefined;
      return Math.max(1, pacer.waitMs(clock()));
    },
    stats: () => ({
      queued: events.length + metrics.length,
      queuedBytes: unsentBytes,
      inFlight: sent.length,
      lastSeq,
      ...stats,
    }),
  };
}

/** The wire message of a sent batch. */
export function toMessage(batch: SentBatch): AgentDataMessage {
  const { bootId, seq } = batch;
  const first = batch.entries[0]!.item;
  if (first.type !== 'metrics') return { ...first, bootId, seq };
  const samples = batch.entries.flatMap((e) => (e.item.type === 'metrics' ? [e.item.sample] : []));
  return { type: 'metrics', bootId, seq, samples };
}
