import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/**
 * How much one sweep does and how it shares the event loop. Every query of better-sqlite3 runs
 * synchronously inside a promise chain that never reaches the event loop: one pass over 7 000
 * silent hosts kept the hub from answering anything (not even /healthz) for 28–70 s.
 */
export interface SweepBudget {
  /** Items handled per transaction; the event loop is given back after each slice. */
  readonly sliceSize: number;
  /** Items handled per sweep at most; the rest waits for the next sweep. */
  readonly maxPerSweep: number;
  /** Lets timers, sockets and HTTP requests run between two slices. */
  readonly yieldToLoop: () => Promise<void>;
}

/** Let I/O and timers run: a `setImmediate` callback comes after the poll phase of this turn. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// A silent host's ticket costs ~2 ms on a loaded 2-core VM (7 000 hosts: 13 s in all): 50 per slice
// keeps each turn of the event loop near 100 ms.
export const DEFAULT_SWEEP_BUDGET: SweepBudget = {
  sliceSize: 50,
  maxPerSweep: 2_000,
  yieldToLoop: yieldToEventLoop,
};

/** What is left of one sweep's budget, shared by its phases. */
export interface SweepAllowance {
  readonly budget: SweepBudget;
  /** Items that did work so far in this sweep. */
  spent: number;
  /** Items not reached because the budget ran out (picked up by the next sweep). */
  deferred: number;
}

export function allowance(budget: SweepBudget): SweepAllowance {
  return { budget, spent: 0, deferred: 0 };
}

/**
 * Run `work` over `items`, `sliceSize` per transaction, yielding between transactions. `work`
 * answers whether it did something (an item that turns out to need nothing costs no budget);
 * items past the sweep's budget are counted as deferred and left for the next sweep.
 */
export async function inSlices<T>(
  db: Kysely<Database>,
  items: readonly T[],
  left: SweepAllowance,
  work: (trx: Kysely<Database>, item: T) => Promise<boolean>,
): Promise<void> {
  const { sliceSize, maxPerSweep, yieldToLoop } = left.budget;
  let next = 0;
  while (next < items.length && left.spent < maxPerSweep) {
    const end = Math.min(next + sliceSize, items.length);
    await db.transaction().execute(async (trx) => {
      for (; next < end && left.spent < maxPerSweep; next += 1) {
        const item = items[next] as T;
        if (await work(trx, item)) left.spent += 1;
      }
    });
    await yieldToLoop();
  }
  left.deferred += items.length - next;
}
