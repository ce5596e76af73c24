import type { AgentDataMessage, RefusedSample } from '@vigie/shared';
import type { HubDeps } from '../config/deps.js';
import type { CommitOutcome, SenderIdentity } from './commit-in-transaction.js';
import { handle } from './handlers/index.js';

export type { CommitOutcome, SenderIdentity } from './commit-in-transaction.js';

/**
 * Store one data message exactly once: skip it if its seq is already committed for this boot,
 * else store it and move the boot's committed seq forward, in one transaction. The caller
 * acknowledges `committedSeq` only after this resolves, i.e. after the commit.
 *
 * Each message type goes through its handler (handlers/index.ts): metrics through the database's
 * metrics store, every other message in a transaction of its own.
 */
export async function commitDataMessage(
  deps: Pick<HubDeps, 'db' | 'clock' | 'incidents' | 'random' | 'remediation'>,
  sender: SenderIdentity,
  message: AgentDataMessage,
  refused?: readonly RefusedSample[],
): Promise<CommitOutcome> {
  return handle(deps, sender, message, deps.clock(), refused);
}
