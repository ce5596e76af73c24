import type { Log } from '../logger.js';
import type { Outbox } from '../transport/outbox.js';
import type { InventorySource } from './agent-deps.js';

export interface InventoryCycleDeps<S> {
  readonly inventory: InventorySource<S>;
  readonly outbox: Pick<Outbox, 'enqueue'>;
  /** Send what was queued, if connected. */
  readonly flush: () => void;
  readonly log: Log;
}

/**
 * The inventory loop: collects a snapshot and queues its chunks only when its hash changed.
 * A run asked for while one is going is dropped.
 */
export function createInventoryCycle<S>(deps: InventoryCycleDeps<S>): () => Promise<void> {
  const { inventory, log } = deps;
  let running = false;
  let lastHash: string | undefined;
  return async () => {
    if (running) return;
    running = true;
    try {
      const snapshot = await inventory.collect();
      const hash = inventory.hash(snapshot);
      if (hash === lastHash) {
        log.debug('inventory unchanged', { hash });
        return;
      }
      const chunks = inventory.toChunks(snapshot, hash);
      for (const chunk of chunks) deps.outbox.enqueue(chunk);
      lastHash = hash;
      log.info('inventory queued', { hash, chunks: chunks.length });
      deps.flush();
    } catch (error) {
      log.warn('inventory collection failed', { error: (error as Error).message });
    } finally {
      running = false;
    }
  };
}
