import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

/** What one checkpoint did, in WAL frames (pages), as SQLite reports it. */
export interface CheckpointResult {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

/** Checkpoints the WAL of one SQLite file from a worker thread. */
export interface WalCheckpointer {
  /** One PASSIVE checkpoint (never waits for readers or writers); resolves when it is done. */
  checkpoint(): Promise<CheckpointResult>;
  stop(): Promise<void>;
}

/**
 * The hub's own connection checkpoints only past this many WAL pages (~40 MB), a safety net in
 * case the worker stalls; SQLite's default, 1 000 pages, made a ~35 ms checkpoint on the event
 * loop every few seconds under ingest.
 */
export const MAIN_AUTOCHECKPOINT_PAGES = 10_000;

// CommonJS evaluated in the worker; better-sqlite3 is loaded from the path the hub resolved, so the
// worker needs no file of its own (the same code runs from sources under vitest and built).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
parentPort.on('message', (id) => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ id, result });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message) });
  }
});
`;

/**
 * Move WAL checkpoints off the event loop: better-sqlite3 is synchronous, so a checkpoint run by
 * the hub's connection (SQLite does one after any commit that grows the WAL past
 * `wal_autocheckpoint` pages) blocks every socket meanwhile. A second connection in a worker
 * thread copies the WAL back into the database instead; the hub's connection only raises its
 * threshold. Undefined for an in-memory database (no WAL).
 */
export function startWalCheckpointer(sqlite: SQLite.Database): WalCheckpointer | undefined {
  if (sqlite.memory) return undefined;
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, file: sqlite.name } });
  worker.unref();
  sqlite.pragma(`wal_autocheckpoint = ${MAIN_AUTOCHECKPOINT_PAGES}`);
  let next = 0;
  const waiting = new Map<number, { resolve: (r: CheckpointResult) => void; reject: (e: Error) => void }>();
  const failAll = (error: Error) => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  worker.on('message', (message: { id: number; result?: CheckpointResult; error?: string }) => {
    const w = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.result) w?.resolve(message.result);
    else w?.reject(new Error(message.error ?? 'checkpoint failed'));
  });
  let dead: Error | undefined;
  worker.on('error', (error) => {
    dead = error;
    failAll(error);
  });
  worker.on('exit', () => {
    dead ??= new Error('checkpoint worker stopped');
    failAll(dead);
    // Without the worker, the hub's connection checkpoints as SQLite does by default.
    if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
  });
  return {
    checkpoint() {
      if (dead) return Promise.reject(dead);
      next += 1;
      const id = next;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage(id);
      });
    },
    async stop() {
      await worker.terminate();
    },
  };
}
