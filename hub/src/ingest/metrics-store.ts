import type { MetricsMessage } from '@vigie/shared';
import type { Kysely } from 'kysely';
import { sqliteHandleOf } from '../db/connect.js';
import type { Database } from '../db/database.js';
import { type CommitOutcome, commitInTransaction, type SenderIdentity } from './commit-in-transaction.js';
import { storeMetrics } from './handlers/store-metrics.js';
import { createSqliteMetricsStore } from './sqlite-metrics-store.js';

/**
 * Commits metrics messages, the hub's hot path (one per agent per interval). Same contract as
 * every data message: stored exactly once per (agent, boot, seq), the promise settles after the
 * commit, and only then may the message be acknowledged.
 */
export interface MetricsStore {
  commit(sender: SenderIdentity, message: MetricsMessage, receivedAt: number): Promise<CommitOutcome>;
}

/** Through Kysely's builder, one transaction per message: works on every dialect. */
export function createKyselyMetricsStore(db: Kysely<Database>): MetricsStore {
  return {
    commit: (sender, message, receivedAt) =>
      commitInTransaction(db, sender, message, receivedAt, (trx, now) =>
        storeMetrics(trx, sender, message, now),
      ),
  };
}

const STORES = new WeakMap<Kysely<Database>, MetricsStore>();

/**
 * The metrics store for a database, made once per database: prepared statements and group commit
 * on the embedded SQLite, the generic builder path elsewhere (PostgreSQL).
 */
export function metricsStoreFor(db: Kysely<Database>): MetricsStore {
  let store = STORES.get(db);
  if (!store) {
    const sqlite = sqliteHandleOf(db);
    store = sqlite ? createSqliteMetricsStore(db, sqlite) : createKyselyMetricsStore(db);
    STORES.set(db, store);
  }
  return store;
}
