import type { AgentDataMessage, Sample } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { type Log, SILENT_LOG } from '../logger.js';
import { type CheckStateReport, createOutbox, type OutboxItem } from './outbox.js';

const BOOT = 'boot_test_0001';

function sample(at: number): OutboxItem {
  return { type: 'metrics', sample: { at } satisfies Sample };
}

function check(at: number): CheckStateReport {
  return {
    type: 'checkState',
    at,
    check: 'fs.usage',
    state: 'critical',
    previous: 'ok',
    value: 97,
    threshold: 95,
  };
}

function recordingLog(): Log & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...SILENT_LOG, warn: (message) => warnings.push(message), warnings };
}

const seqs = (messages: readonly AgentDataMessage[]) => messages.map((message) => message.seq);

describe('createOutbox', () => {
  it('numbers messages from 1, contiguously, within the boot', () => {
    const outbox = createOutbox({ bootId: BOOT, log: SILENT_LOG });
    outbox.enqueue(sample(1));
    const first = outbox.takeSendable();
    outbox.enqueue(check(2));
    outbox.enqueue(sample(3));
    const next = outbox.takeSendable();
    expect(seqs([...first, ...next])).toEqual([1, 2, 3]);
    expect(next.map((message) => message.type)).toEqual(['checkState', 'metrics']);
    expect(next.every((message) => message.bootId === BOOT)).toBe(true);
  });

  it('sends one sample per message when live', () => {
    const outbox = createOutbox({ bootId: BOOT, log: SILENT_LOG });
    outbox.enqueue(sample(1));
    const [message] = outbox.takeSendable();
    expect(message).toEqual({ type: 'metrics', bootId: BOOT, seq: 1, samples: [{ at: 1 }] });
  });

  it('batches a backlog of samples up to the batch limit, keeping check transitions in order', () => {
    const outbox = createOutbox({ bootId: BOOT, log: SILENT_LOG });
    for (let at = 1; at <= 130; at += 1) outbox.enqueue(sample(at));
    outbox.enqueue(check(131));
    outbox.enqueue(sample(132));
    const sent = outbox.takeSendable();
    expect(
      sent.map((message) => (message.type === 'metrics' ? message.samples.length : message.type)),
    ).toEqual([120, 10, 'checkState', 1]);
    expect(seqs(sent)).toEqual([1, 2, 3, 4]);
  });

  it('refuses an item that could never fit in a frame, without spending a seq', () => {
    const outbox = createOutbox({ bootId: BOOT, log: SILENT_LOG, maxBatchBytes: 25 });
    expect(outbox.enqueue(check(1))).toBe(false);
    expect(outbox.enqueue(sample(2))).toBe(true);
    expect(seqs(outbox.takeSendable())).toEqual([1]);
  });

  it('cuts a batch before it would exceed the byte budget', () => {
    const outbox = createOutbox({ bootId: BOOT, log: SILENT_LOG, maxBatchBytes: 25 });
    for (let at = 1; at <= 5; at += 1) outbox.enqueue(sample(1_000_000_000_000 + at));
    const sizes = outbox
      .takeSendable()
      .map((message) => (message.type === 'metrics' ? message.samples.length : 0));
    expect(sizes).toEqual([1, 1, 1, 1, 1]);
  });

  it('keeps sent messages pending until acknowledged, then forgets up to the acked seq', () => {
    const outbox = createOutbox({ bootId: BOOT, log: SILENT_LOG });
    for (let at = 1; at <= 3; at += 1) {
      outbox.enqueue(sample(at));
      outbox.takeSendable();
    }
    expect(seqs(outbox.pending())).toEqual([1, 2, 3]);
    expect(outbox.ack(2)).toBe(2);
    expect(seqs(outbox.pending())).toEqual([3]);
    expect(outbox.ack(2)).toBe(0);
    expect(outbox.ack(3)).toBe(1);
    expect(outbox.pending()).toEqual([]);
  });

  it('stops handing out messages when the window of unacknowledged ones is full', () => {
    const outbox = createOutbox({ bootId: BOOT, log: SILENT_LOG, window: 2 });
    outbox.enqueue(check(1));
    outbox.enqueue(check(2));
    outbox.enqueue(check(3));
    expect(seqs(outbox.takeSendable())).toEqual([1, 2]);
    expect(outbox.takeSendable()).toEqual([]);
    outbox.ack(1);
    expect(seqs(outbox.takeSendable())).toEqual([3]);
  });

  it('drops the oldest samples first when over its bound, and says so', () => {
    const log = recordingLog();
    const limits = { maxItems: 3, maxBytes: 1e9, hardMaxItems: 10, hardMaxBytes: 1e9 };
    const outbox = createOutbox({ bootId: BOOT, log, limits });
    outbox.enqueue(check(1));
    outbox.enqueue(sample(2));
    outbox.enqueue(sample(3));
    outbox.enqueue(check(4));
    outbox.enqueue(sample(5));
    const sent = outbox.takeSendable();
    expect(sent.map((message) => (message.type === 'metrics' ? message.samples[0]!.at : message.at))).toEqual(
      [1, 4, 5],
    );
    expect(seqs(sent)).toEqual([1, 2, 3]);
    expect(outbox.stats().dropped).toBe(2);
    expect(log.warnings).toHaveLength(2);
  });

  it('keeps check transitions past the soft bound and drops them only past the hard one', () => {
    const limits = { maxItems: 2, maxBytes: 1e9, hardMaxItems: 4, hardMaxBytes: 1e9 };
    const outbox = createOutbox({ bootId: BOOT, log: SILENT_LOG, limits });
    for (let at = 1; at <= 4; at += 1) outbox.enqueue(check(at));
    expect(outbox.stats().queued).toBe(4);
    outbox.enqueue(check(5));
    const sent = outbox.takeSendable();
    expect(sent.map((message) => (message.type === 'checkState' ? message.at : 0))).toEqual([2, 3, 4, 5]);
  });

  it('applies the byte bound as well as the count bound', () => {
    const limits = { maxItems: 100, maxBytes: 60, hardMaxItems: 100, hardMaxBytes: 1e9 };
    const outbox = createOutbox({ bootId: BOOT, log: SILENT_LOG, limits });
    for (let at = 1; at <= 10; at += 1) outbox.enqueue(sample(1_000_000_000_000 + at));
    const { queued, queuedBytes } = outbox.stats();
    expect(queuedBytes).toBeLessThanOrEqual(60);
    expect(queued).toBe(Math.floor(60 / 20));
  });
});
