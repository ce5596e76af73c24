import type { AgentDataMessage } from '@vigie/shared';
import type { HubDeps } from '../config/deps.js';
import {
  type CommitOutcome,
  commitInTransaction,
  type SenderIdentity,
  type StoreFn,
} from './commit-in-transaction.js';
import { metricsStoreFor } from './metrics-store.js';

export type { CommitOutcome, SenderIdentity } from './commit-in-transaction.js';

/**
 * Store one data message exactly once: skip it if its seq is already committed for this boot,
 * else store it and move the boot's committed seq forward, in one transaction. The caller
 * acknowledges `committedSeq` only after this resolves, i.e. after the commit.
 *
 * Metrics, the hot path, go through the database's metrics store (prepared statements and group
 * commit on SQLite); every other message through `store` in a transaction of its own, where the
 * incident engine can join it.
 */
export async function commitDataMessage(
  deps: Pick<HubDeps, 'db' | 'clock'>,
  sender: SenderIdentity,
  message: AgentDataMessage,
  store: StoreFn,
): Promise<CommitOutcome> {
  const now = deps.clock();
  if (message.type === 'metrics') return metricsStoreFor(deps.db).commit(sender, message, now);
  return commitInTransaction(deps.db, sender, message, now, store);
}
