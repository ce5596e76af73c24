import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { runTickAlone } from '../cluster/tick-lock.js';
import { sqliteHandleOf } from '../db/connect.js';
import type { Database } from '../db/database.js';
import { expireIncompleteSnapshots } from '../repositories/inventories.js';
import { tierStateName, writeState } from '../repositories/retention-state.js';
import { prune } from './prune.js';
import { rollUp } from './rollup.js';
import type { RetentionSettings } from './settings.js';
import { startWalCheckpointer } from './wal-checkpoint.js';

export interface RetentionJobOptions {
  readonly db: Kysely<Database>;
  readonly clock: () => number;
  readonly log: Logger;
  readonly settings: RetentionSettings;
}

export interface RetentionReport {
  readonly rolledUpHosts: number;
  readonly prunedRaw: number;
  readonly prunedRollups: number;
  readonly expiredInventoryChunks: number;
}

/**
 * An inventory snapshot's chunks are sent together; a day covers an agent that went offline in the
 * middle and came back. Older ones will not complete (a newer snapshot supersedes them anyway).
 */
export const INCOMPLETE_SNAPSHOT_TTL_MS = 24 * 3_600_000;

/**
 * One pass: publish the tiers (charts read which ones exist from the database), roll up what
 * arrived since the last pass, then prune. Rolling up first means nothing is pruned before it was
 * rolled up, whatever the pace of the passes.
 */
export async function runRetentionPass(
  db: Kysely<Database>,
  settings: RetentionSettings,
  now: number,
): Promise<RetentionReport> {
  for (const tier of settings.tiers) await writeState(db, tierStateName(tier.stepMs), tier.keepMs);
  const rolled = await rollUp(db, settings, now);
  const pruned = await prune(db, settings, now);
  const expiredInventoryChunks = await expireIncompleteSnapshots(db, now - INCOMPLETE_SNAPSHOT_TTL_MS);
  return {
    rolledUpHosts: rolled.hosts,
    prunedRaw: pruned.raw,
    prunedRollups: pruned.rollups,
    expiredInventoryChunks,
  };
}

/** A running retention job. */
export interface RetentionJob {
  /** Stop scheduling and wait for a pass in flight. */
  stop(): Promise<void>;
}

/** Run a pass now and then every `settings.intervalMs`, one at a time; the timer never holds the process. */
export function startRetentionJob(options: RetentionJobOptions): RetentionJob {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const checkpoints = startCheckpoints(options);
  const pass = () => {
    const began = performance.now();
    // One instance at a time (several hubs on PostgreSQL); the others skip this pass.
    running = runTickAlone(options.db, 'retention', () =>
      runRetentionPass(options.db, options.settings, options.clock()),
    )
      .then((tick) => {
        const ms = Math.round(performance.now() - began);
        if (tick.ran) options.log.debug({ ...tick.value, ms }, 'retention pass');
      })
      .catch((error: unknown) => options.log.error({ err: error }, 'retention pass failed'))
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(pass, options.settings.intervalMs);
        timer.unref();
      });
  };
  pass();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await checkpoints?.stop();
    },
  };
}

/** How often the worker copies the WAL back into a SQLite database (each is PASSIVE, off the loop). */
export const WAL_CHECKPOINT_EVERY_MS = 5_000;

/** On SQLite, WAL checkpoints in a worker thread every few seconds, one at a time (wal-checkpoint.ts). */
function startCheckpoints(options: RetentionJobOptions): { stop(): Promise<void> } | undefined {
  const sqlite = sqliteHandleOf(options.db);
  const checkpointer = sqlite && startWalCheckpointer(sqlite);
  if (!checkpointer) return undefined;
  let inFlight = false;
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = true;
    checkpointer
      .checkpoint()
      .then((result) => options.log.trace(result, 'wal checkpoint'))
      .catch((error: unknown) => options.log.warn({ err: error }, 'wal checkpoint failed'))
      .finally(() => {
        inFlight = false;
      });
  }, WAL_CHECKPOINT_EVERY_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await checkpointer.stop();
    },
  };
}
