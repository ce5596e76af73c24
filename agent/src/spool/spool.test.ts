import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sample } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SILENT_LOG } from '../logger.js';
import type { CheckStateReport } from '../transport/outbox.js';
import { NODE_FS, type SpoolFs } from './segment-files.js';
import { openSpool, type Spool, type SpoolOptions } from './spool.js';

const check = (at: number): CheckStateReport => ({
  type: 'checkState',
  at,
  check: 'fs.usage',
  resource: '/var',
  state: 'critical',
  previous: 'ok',
  value: 97,
  threshold: 95,
});
const sample = (at: number) => ({ type: 'metrics', sample: { at } satisfies Sample }) as const;

let dir: string;
let now: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-spool-'));
  now = 1_764_000_000_000;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(bootId: string, options: Partial<SpoolOptions> = {}): Spool {
  const result = openSpool({ dir, bootId, log: SILENT_LOG, clock: () => now, ...options });
  if (!result.ok) throw new Error(result.message);
  return result.spool;
}

describe('openSpool', () => {
  it('gives back, after a crash, what was queued and what was sent without an ack', () => {
    const first = open('boot_first_001');
    first.outbox.enqueue(sample(1));
    first.outbox.enqueue(check(2));
    const sent = first.outbox.takeSendable();
    first.outbox.ack('boot_first_001', 1);
    first.outbox.enqueue(sample(3));
    // No close(): the process died here.
    const second = open('boot_second_01');
    expect(second.recovered).toEqual({ unsent: 1, sent: 1, damagedLines: 0 });
    expect(second.outbox.pending()).toEqual([sent[1]]);
    const next = second.outbox.takeSendable();
    expect(next).toEqual([{ type: 'metrics', bootId: 'boot_second_01', seq: 1, samples: [{ at: 3 }] }]);
    second.close();
  });

  it('forgets everything acknowledged and leaves one small segment after a clean restart', () => {
    const first = open('boot_first_001');
    for (let at = 1; at <= 100; at += 1) first.outbox.enqueue(sample(at));
    for (const message of first.outbox.takeSendable()) first.outbox.ack(message.bootId, message.seq);
    first.close();
    const second = open('boot_second_01');
    expect(second.recovered).toEqual({ unsent: 0, sent: 0, damagedLines: 0 });
    expect(readdirSync(dir)).toHaveLength(1);
    second.close();
  });

  it('compacts the active segment into a snapshot once it grows past its size', () => {
    const spool = open('boot_first_001', { segmentBytes: 2_000 });
    for (let at = 1; at <= 200; at += 1) {
      spool.outbox.enqueue(sample(at));
      for (const message of spool.outbox.takeSendable()) spool.outbox.ack(message.bootId, message.seq);
    }
    spool.outbox.enqueue(check(201));
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(readFileSync(join(dir, files[0]!), 'utf8').length).toBeLessThan(4_000);
    spool.close();
    const reopened = open('boot_second_01');
    expect(reopened.outbox.takeSendable().map((m) => m.type)).toEqual(['checkState']);
    reopened.close();
  });

  it('skips a torn last line and a damaged item instead of failing', () => {
    const first = open('boot_first_001');
    first.outbox.enqueue(check(1));
    first.close();
    const [segment] = readdirSync(dir);
    const path = join(dir, segment!);
    const bad = { k: 'item', id: 7, at: 1, item: { type: 'checkState', at: -1 } };
    writeFileSync(path, `${readFileSync(path, 'utf8')}${JSON.stringify(bad)}\n{"k":"item","id":8,"at`);
    const second = open('boot_second_01');
    expect(second.recovered).toEqual({ unsent: 1, sent: 0, damagedLines: 2 });
    second.close();
  });

  it('keeps working in memory when writes fail, and rewrites the spool once they work again', () => {
    let failing = false;
    const files: SpoolFs = {
      ...NODE_FS,
      writeSync: ((...args: Parameters<typeof NODE_FS.writeSync>) => {
        if (failing) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return (NODE_FS.writeSync as (...a: unknown[]) => number)(...args);
      }) as SpoolFs['writeSync'],
    };
    const spool = open('boot_first_001', { fs: files });
    failing = true;
    spool.outbox.enqueue(check(1));
    expect(spool.degraded()).toBe(true);
    expect(spool.outbox.takeSendable()).toHaveLength(1);
    failing = false;
    now += 60_000;
    spool.outbox.enqueue(check(2));
    expect(spool.degraded()).toBe(false);
    // No close: the rewrite alone must hold both checks (one sent, one queued).
    const reopened = open('boot_second_01');
    expect(reopened.recovered).toMatchObject({ unsent: 1, sent: 1 });
    reopened.close();
    spool.close();
  });

  it('syncs an event before it leaves, and sends of samples only at most once a minute', () => {
    let syncs = 0;
    const files: SpoolFs = {
      ...NODE_FS,
      fdatasyncSync: ((fd: number) => {
        syncs += 1;
        NODE_FS.fdatasyncSync(fd);
      }) as SpoolFs['fdatasyncSync'],
    };
    const spool = open('boot_first_001', { fs: files });
    const cycle = (at: number) => {
      now += 10_000;
      spool.outbox.enqueue(sample(at));
      for (const message of spool.outbox.takeSendable()) spool.outbox.ack(message.bootId, message.seq);
    };
    for (let at = 1; at <= 12; at += 1) cycle(at);
    // Twelve 10 s cycles: synced at 60 s and 120 s after the snapshot written at open, not twelve times.
    expect(syncs).toBe(2);
    spool.outbox.enqueue(check(13));
    expect(syncs).toBe(3);
    now += 1_000;
    const withEvent = spool.outbox.takeSendable();
    // A batch carrying an event is durable before it is handed to the socket, however recent the last sync.
    expect(withEvent.map((m) => m.type)).toEqual(['checkState']);
    expect(syncs).toBe(4);
    for (const message of withEvent) spool.outbox.ack(message.bootId, message.seq);
    cycle(14);
    expect(syncs).toBe(4);
    spool.close();
  });

  it('loses no sample left unsynced when the process dies (kill -9: the page cache survives)', () => {
    const first = open('boot_first_001');
    first.outbox.enqueue(sample(1));
    const sent = first.outbox.takeSendable();
    first.outbox.enqueue(sample(2));
    // No close() and no sync since the snapshot at open: the process died here.
    const second = open('boot_second_01');
    expect(second.recovered).toEqual({ unsent: 1, sent: 1, damagedLines: 0 });
    expect(second.outbox.pending()).toEqual(sent);
    second.close();
  });
});
