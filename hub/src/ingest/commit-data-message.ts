import type { AgentDataMessage } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { HubDeps } from '../config/deps.js';
import type { Database } from '../db/database.js';
import { advanceCommittedSeq, committedSeq } from '../repositories/agents.js';

/** Who sent a message, from the authenticated connection. */
export interface SenderIdentity {
  readonly agentId: string;
  readonly hostId: string;
}

export type CommitOutcome =
  | { status: 'stored'; committedSeq: number; gapFrom?: number }
  | { status: 'duplicate'; committedSeq: number };

/**
 * Store one data message exactly once: inside one transaction, skip it if its seq is already
 * committed for this boot, else store it and move the boot's committed seq forward. The caller
 * acknowledges `committedSeq` only after this resolves, i.e. after the commit.
 */
export async function commitDataMessage(
  deps: Pick<HubDeps, 'db' | 'clock'>,
  sender: SenderIdentity,
  message: AgentDataMessage,
  store: (trx: Kysely<Database>, receivedAt: number) => Promise<void>,
): Promise<CommitOutcome> {
  const now = deps.clock();
  return deps.db.transaction().execute(async (trx) => {
    const committed = await committedSeq(trx, sender.agentId, message.bootId);
    if (message.seq <= committed) return { status: 'duplicate', committedSeq: committed };
    await store(trx, now);
    await advanceCommittedSeq(trx, sender.agentId, message.bootId, message.seq, now);
    // A gap is recorded by the caller's log; the messages in it were dropped by the agent.
    return message.seq === committed + 1
      ? { status: 'stored', committedSeq: message.seq }
      : { status: 'stored', committedSeq: message.seq, gapFrom: committed + 1 };
  });
}
