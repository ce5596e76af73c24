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

const sizeOfCheck = Buffer.byteLength(JSON.stringify(check(1)));

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

  it('batches a backlog of samples up to the batch limit, check transitions first', () => {
    const outbox = createOutbox({ bootId: BOOT, log: SILENT_LOG });
    for (let at = 1; at <= 130; at += 1) outbox.enqueue(sample(at));
    outbox.enqueue(check(131));
    outbox.enqueue(sample(132));
    const sent = outbox.takeSendable();
    expect(
      sent.map((message) => (message.type === 'metrics' ? message.samples.length : message.type)),
    ).toEqual(['checkState', 120, 11]);
    expect(seqs(sent)).toEqual([1, 2, 3]);
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

  it('keeps sent messages pending until acknowledged, then forgets up to the acked seq of that boot', () => {
    const outbox = createOutbox({ bootId: BOOT, log: SILENT_LOG });
    for (let at = 1; at <= 3; at += 1) {
      outbox.enqueue(sample(at));
      outbox.takeSendable();
    }
    expect(seqs(outbox.pending())).toEqual([1, 2, 3]);
    expect(outbox.ack('boot_other_0001', 3)).toBe(0);
    expect(outbox.ack(BOOT, 2)).toBe(2);
    expect(seqs(outbox.pending())).toEqual([3]);
    expect(outbox.ack(BOOT, 2)).toBe(0);
    expect(outbox.ack(BOOT, 3)).toBe(1);
    expect(outbox.pending()).toEqual([]);
  });

  it('stops handing out messages when the window of unacknowledged ones is full', () => {
    const outbox = createOutbox({ bootId: BOOT, log: SILENT_LOG, window: 2 });
    outbox.enqueue(check(1));
    outbox.enqueue(check(2));
    outbox.enqueue(check(3));
    expect(seqs(outbox.takeSendable())).toEqual([1, 2]);
    expect(outbox.takeSendable()).toEqual([]);
    outbox.ack(BOOT, 1);
    expect(seqs(outbox.takeSendable())).toEqual([3]);
  });

  it('keeps a quarter of the window for events, so samples never hold a fresh alert back', () => {
    const outbox = createOutbox({ bootId: BOOT, log: SILENT_LOG, window: 8, maxBatchSamples: 1 });
    for (let at = 1; at <= 20; at += 1) outbox.enqueue(sample(at));
    expect(outbox.takeSendable()).toHaveLength(6);
    outbox.enqueue(check(21));
    expect(outbox.takeSendable().map((message) => message.type)).toEqual(['checkState']);
  });

  it('drops the oldest samples first when over the soft bound, leaving one gap record', () => {
    const log = recordingLog();
    const outbox = createOutbox({
      bootId: BOOT,
      log,
      limits: { maxBytes: 4000, softMaxBytes: sizeOfCheck + 150, maxAgeMs: 1e12 },
    });
    outbox.enqueue(check(1));
    for (let at = 1_000_000_000_001; at <= 1_000_000_000_010; at += 1) outbox.enqueue(sample(at));
    const sent = outbox.takeSendable();
    const gap = sent.find((message) => message.type === 'metricsGap');
    const kept = sent.flatMap((message) =>
      message.type === 'metrics' ? message.samples.map((s) => s.at) : [],
    );
    expect(sent.map((message) => message.type)).toEqual(['checkState', 'metricsGap', 'metrics']);
    expect(gap).toMatchObject({
      from: 1_000_000_000_001,
      to: kept[0]! - 1,
      count: kept[0]! - 1_000_000_000_001,
    });
    expect(outbox.stats().dropped).toBe(gap?.type === 'metricsGap' ? gap.count : -1);
    expect(kept.at(-1)).toBe(1_000_000_000_010);
    expect(log.warnings.length).toBeGreaterThan(0);
  });

  it('drops samples older than the age bound, with a gap record', () => {
    let now = 0;
    const outbox = createOutbox({
      bootId: BOOT,
      log: SILENT_LOG,
      clock: () => now,
      limits: { maxBytes: 1e9, maxAgeMs: 1000 },
    });
    outbox.enqueue(sample(10));
    outbox.enqueue(sample(20));
    now = 5000;
    outbox.enqueue(sample(30));
    const sent = outbox.takeSendable();
    expect(sent[0]).toMatchObject({ type: 'metricsGap', from: 10, to: 20, count: 2 });
  });

  it('keeps events past the soft bound and drops the oldest only past the hard one', () => {
    const log = recordingLog();
    const outbox = createOutbox({
      bootId: BOOT,
      log: { ...log, error: (message) => log.warnings.push(message) },
      limits: { maxBytes: 4 * sizeOfCheck, softMaxBytes: 10, maxAgeMs: 1e12 },
    });
    for (let at = 1; at <= 4; at += 1) outbox.enqueue(check(at));
    expect(outbox.stats().queued).toBe(4);
    outbox.enqueue(check(5));
    const sent = outbox.takeSendable();
    expect(sent.map((message) => (message.type === 'checkState' ? message.at : 0))).toEqual([2, 3, 4, 5]);
    expect(outbox.stats().droppedEvents).toBe(1);
  });

  it('paces the backlog after markBacklog, and lets live samples and events through at once', () => {
    let now = 0;
    const outbox = createOutbox({
      bootId: BOOT,
      log: SILENT_LOG,
      clock: () => now,
      maxBatchSamples: 10,
      drainRatePerSec: 1,
    });
    for (let at = 1; at <= 50; at += 1) outbox.enqueue(sample(at));
    outbox.markBacklog();
    outbox.enqueue(sample(51));
    outbox.enqueue(check(52));
    const first = outbox.takeSendable();
    expect(
      first.map((message) => (message.type === 'metrics' ? message.samples.length : message.type)),
    ).toEqual(['checkState', 1, 10]);
    expect(outbox.takeSendable()).toEqual([]);
    expect(outbox.wakeInMs()).toBe(1000);
    now = 1000;
    expect(outbox.takeSendable()).toHaveLength(1);
  });
});
