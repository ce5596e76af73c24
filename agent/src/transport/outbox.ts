import {
  type AgentDataMessage,
  type CheckStateMessage,
  type InventoryMessage,
  LIMITS,
  type MetricsMessage,
  type Sample,
} from '@vigie/shared';
import type { Log } from '../logger.js';

/** A check transition before it gets its `(bootId, seq)`. */
export type CheckStateReport = Omit<CheckStateMessage, 'bootId' | 'seq'>;
/** An inventory chunk before it gets its `(bootId, seq)`. */
export type InventoryChunk = Omit<InventoryMessage, 'bootId' | 'seq'>;
/** What the runtime hands to the outbox: one sample, one check transition, one inventory chunk. */
export type OutboxItem =
  | { readonly type: 'metrics'; readonly sample: Sample }
  | CheckStateReport
  | InventoryChunk;

/** Bounds of the unsent queue. Past the soft bounds old metrics go; past the hard ones anything old goes. */
export interface OutboxLimits {
  readonly maxItems: number;
  readonly maxBytes: number;
  readonly hardMaxItems: number;
  readonly hardMaxBytes: number;
}

export const OUTBOX_DEFAULTS = {
  // ≈ 2 days of 10 s samples; a few KiB each keeps the worst case well under 100 MiB.
  limits: {
    maxItems: 20_000,
    maxBytes: 48 * 1024 * 1024,
    hardMaxItems: 30_000,
    hardMaxBytes: 64 * 1024 * 1024,
  },
  /** Messages sent and not yet acknowledged; past it the outbox waits for acks (flow control). */
  window: 32,
  /** A backlog batch stays well under the frame limit even with the envelope around it. */
  maxBatchBytes: LIMITS.maxFrameBytes / 2,
} as const;

export interface OutboxOptions {
  readonly bootId: string;
  readonly log: Log;
  readonly limits?: OutboxLimits;
  readonly window?: number;
  readonly maxBatchBytes?: number;
}

/** Counters for logs and `status`. */
export interface OutboxStats {
  readonly queued: number;
  readonly queuedBytes: number;
  readonly inFlight: number;
  readonly lastSeq: number;
  readonly dropped: number;
}

/**
 * Holds what the hub has not acknowledged yet. Small on purpose so an on-disk spool can replace it.
 *
 * A seq is assigned only when a message is about to be sent, never while queued: dropping queued
 * items under memory pressure then never leaves a hole in the seq range the hub acknowledges.
 */
export interface Outbox {
  readonly bootId: string;
  /** Queue an item for sending; false (and logged) when it could never fit in a frame. */
  enqueue(item: OutboxItem): boolean;
  /** Next messages to send, seq assigned, in order; they stay pending until acknowledged. */
  takeSendable(): AgentDataMessage[];
  /** Forget every pending message up to and including `seq`; returns how many were forgotten. */
  ack(seq: number): number;
  /** Sent but unacknowledged messages, oldest first: what to resend after a reconnect. */
  pending(): readonly AgentDataMessage[];
  stats(): OutboxStats;
}

interface Queued {
  readonly item: OutboxItem;
  readonly bytes: number;
}

/** An in-memory outbox for one boot of the agent. */
export function createOutbox(options: OutboxOptions): Outbox {
  const { bootId, log } = options;
  const limits = options.limits ?? OUTBOX_DEFAULTS.limits;
  const window = options.window ?? OUTBOX_DEFAULTS.window;
  const maxBatchBytes = options.maxBatchBytes ?? OUTBOX_DEFAULTS.maxBatchBytes;
  const queue: Queued[] = [];
  let queuedBytes = 0;
  let inFlight: AgentDataMessage[] = [];
  let lastSeq = 0;
  let dropped = 0;

  function removeAt(index: number): Queued {
    const [removed] = queue.splice(index, 1);
    queuedBytes -= removed!.bytes;
    return removed!;
  }

  function enforceLimits(): void {
    const before = { metrics: 0, other: 0 };
    while (queue.length > limits.maxItems || queuedBytes > limits.maxBytes) {
      const oldestMetrics = queue.findIndex((entry) => entry.item.type === 'metrics');
      if (oldestMetrics < 0) break;
      removeAt(oldestMetrics);
      before.metrics += 1;
    }
    // Check transitions and inventory are worth more than samples; they go only past the hard bound.
    while (queue.length > limits.hardMaxItems || queuedBytes > limits.hardMaxBytes) {
      removeAt(0);
      before.other += 1;
    }
    if (before.metrics + before.other === 0) return;
    dropped += before.metrics + before.other;
    log.warn('outbox full: dropped the oldest unsent messages', {
      droppedMetrics: before.metrics,
      droppedOther: before.other,
      droppedTotal: dropped,
      queued: queue.length,
      queuedBytes,
    });
  }

  function nextMetricsBatch(): MetricsMessage {
    const samples: Sample[] = [];
    let bytes = 0;
    while (samples.length < LIMITS.maxSamplesPerBatch) {
      const head = queue[0];
      if (head?.item.type !== 'metrics') break;
      if (samples.length > 0 && bytes + head.bytes > maxBatchBytes) break;
      removeAt(0);
      samples.push(head.item.sample);
      bytes += head.bytes;
    }
    lastSeq += 1;
    return { type: 'metrics', bootId, seq: lastSeq, samples };
  }

  return {
    bootId,
    enqueue(item) {
      const bytes = Buffer.byteLength(JSON.stringify(item.type === 'metrics' ? item.sample : item));
      // Refused here, before it has a seq: sent, the hub would close the socket (1009) forever.
      if (bytes > maxBatchBytes) {
        log.error('message too large for one frame: not sent', { type: item.type, bytes, maxBatchBytes });
        return false;
      }
      queue.push({ item, bytes });
      queuedBytes += bytes;
      enforceLimits();
      return true;
    },
    takeSendable() {
      const out: AgentDataMessage[] = [];
      while (inFlight.length < window && queue.length > 0) {
        const head = queue[0]!;
        let message: AgentDataMessage;
        if (head.item.type === 'metrics') {
          message = nextMetricsBatch();
        } else {
          removeAt(0);
          lastSeq += 1;
          message = { ...head.item, bootId, seq: lastSeq };
        }
        inFlight.push(message);
        out.push(message);
      }
      return out;
    },
    ack(seq) {
      const before = inFlight.length;
      inFlight = inFlight.filter((message) => message.seq > seq);
      return before - inFlight.length;
    },
    pending() {
      return [...inFlight];
    },
    stats() {
      return { queued: queue.length, queuedBytes, inFlight: inFlight.length, lastSeq, dropped };
    },
  };
}
