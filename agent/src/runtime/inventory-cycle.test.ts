import { describe, expect, it } from 'vitest';
import { SILENT_LOG } from '../logger.js';
import type { OutboxItem } from '../transport/outbox.js';
import { createInventoryCycle } from './inventory-cycle.js';

function setup() {
  const state = { snapshot: 'v1', flushes: 0 };
  const queued: OutboxItem[] = [];
  const run = createInventoryCycle<string>({
    inventory: {
      collect: async () => state.snapshot,
      hash: (snapshot) => `hash-${snapshot}`,
      toChunks: (_snapshot, hash) => [{ type: 'inventory', at: 1, hash, chunk: 0, chunks: 1 }],
    },
    outbox: {
      enqueue: (item) => {
        queued.push(item);
        return true;
      },
    },
    flush: () => state.flushes++,
    log: SILENT_LOG,
  });
  return { run, state, queued };
}

describe('createInventoryCycle', () => {
  it('queues the chunks and flushes once, then only again when the hash changed', async () => {
    const t = setup();
    await t.run();
    await t.run();
    expect(t.queued).toHaveLength(1);
    expect(t.state.flushes).toBe(1);
    t.state.snapshot = 'v2';
    await t.run();
    expect(t.queued.map((item) => (item as { hash: string }).hash)).toEqual(['hash-v1', 'hash-v2']);
  });

  it('drops a run asked for while one is going', async () => {
    const t = setup();
    await Promise.all([t.run(), t.run()]);
    expect(t.queued).toHaveLength(1);
  });
});
