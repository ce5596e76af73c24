import { type Entry, type OutboxSnapshot, type SentBatch, sizeOf } from '../transport/outbox-entries.js';
import type { SpoolRecord } from './records.js';

interface PendingBatch {
  readonly bootId: string;
  readonly seq: number;
  readonly entries: Entry[];
}

/**
 * Fold a spool's records, oldest first, into what the outbox held when they were written: items
 * not sent yet, and batches sent under a `(bootId, seq)` the hub has not acknowledged.
 */
export function replayRecords(records: Iterable<SpoolRecord>): OutboxSnapshot {
  let nextId = 1;
  const unsent = new Map<number, Entry>();
  const sentIds = new Set<number>();
  let batches: PendingBatch[] = [];

  for (const record of records) {
    switch (record.k) {
      case 'head':
        nextId = Math.max(nextId, record.nextId);
        break;
      case 'item':
        nextId = Math.max(nextId, record.id + 1);
        // A sent item never changes; a later record for an unsent id replaces it (a growing gap).
        if (!sentIds.has(record.id)) {
          unsent.set(record.id, {
            id: record.id,
            at: record.at,
            bytes: sizeOf(record.item),
            item: record.item,
          });
        }
        break;
      case 'sent': {
        if (batches.some((b) => b.bootId === record.boot && b.seq === record.seq)) break;
        const entries: Entry[] = [];
        for (const id of record.ids) {
          const entry = unsent.get(id);
          unsent.delete(id);
          sentIds.add(id);
          if (entry) entries.push(entry);
        }
        // With every item lost the message cannot be rebuilt; the hub records the hole as a seq gap.
        if (entries.length > 0) batches.push({ bootId: record.boot, seq: record.seq, entries });
        break;
      }
      case 'ack':
        batches = batches.filter((b) => b.bootId !== record.boot || b.seq > record.seq);
        break;
      case 'drop':
        for (const id of record.ids) unsent.delete(id);
        break;
    }
  }
  const sent: SentBatch[] = batches;
  return { nextId, unsent: [...unsent.values()].sort((a, b) => a.id - b.id), sent };
}
