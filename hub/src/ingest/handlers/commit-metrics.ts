import type { MetricsMessage, RefusedSample } from '@vigie/shared';
import type { Kysely } from 'kysely';
import { sqliteHandleOf } from '../../db/connect.js';
import type { Database } from '../../db/database.js';
import { type CommitOutcome, type SenderIdentity, withRefusals } from '../commit-in-transaction.js';
import { createKyselyMetricsStore, type MetricsStore } from '../metrics-store.js';
import { admitSamples, reportFacts } from '../sample-admission.js';
import { createSqliteMetricsStore } from '../sqlite-metrics-store.js';

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

/** Whether this database's metrics store commits in submission order (a socket may pipeline into it). */
export function commitsInOrder(db: Kysely<Database>): boolean {
  return metricsStoreFor(db).inOrder === true;
}

/**
 * Commit a metrics message through its database's metrics store (the hot path, decision 0018):
 * its admissible samples only (sample-admission.ts); the refused ones are counted on the host and
 * listed in the outcome, and the message is committed all the same so that it is acknowledged.
 */
export async function commitMetrics(
  deps: { readonly db: Kysely<Database> },
  sender: SenderIdentity,
  message: MetricsMessage,
  receivedAt: number,
  schemaRefused?: readonly RefusedSample[],
): Promise<CommitOutcome> {
  const admitted = admitSamples(message, receivedAt, schemaRefused);
  const outcome = await metricsStoreFor(deps.db).commit(
    sender,
    admitted.message,
    receivedAt,
    reportFacts(admitted),
  );
  return withRefusals(outcome, admitted.refused);
}
