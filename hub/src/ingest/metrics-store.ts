import type { MetricsMessage } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { ReportFacts } from '../repositories/hosts.js';
import { type CommitOutcome, commitInTransaction, type SenderIdentity } from './commit-in-transaction.js';
import { storeMetrics } from './handlers/store-metrics.js';

/**
 * Commits metrics messages, the hub's hot path (one per agent per interval). Same contract as
 * every data message: stored exactly once per (agent, boot, seq), the promise settles after the
 * commit, and only then may the message be acknowledged.
 */
export interface MetricsStore {
  /**
   * Commits happen in the order `commit` was called, and `commit` takes the message at once (before
   * it returns): a caller may submit its next message before the previous settles (group commit).
   */
  readonly inOrder?: true;
  /** `message` holds the admitted samples only (possibly none); `facts` go on the host with them. */
  commit(
    sender: SenderIdentity,
    message: MetricsMessage,
    receivedAt: number,
    facts?: ReportFacts,
  ): Promise<CommitOutcome>;
}

/** Through Kysely's builder, one transaction per message: works on every dialect. */
export function createKyselyMetricsStore(db: Kysely<Database>): MetricsStore {
  return {
    commit: (sender, message, receivedAt, facts) =>
      commitInTransaction(db, sender, message, receivedAt, (trx, now) =>
        storeMetrics(trx, sender, message, now, facts),
      ),
  };
}
