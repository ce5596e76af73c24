import type { AgentDataMessage } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { HubDeps } from '../config/deps.js';
import type { Database } from '../db/database.js';
import { advanceCommittedSeq, committedSeq } from '../repositories/agents.js';
import { insertDeliveryEvent } from '../repositories/delivery.js';

/** Who sent a message, from the authenticated connection. */
export interface SenderIdentity {
  readonly agentId: string;
  readonly hostId: string;
}

export type CommitOutcome =
  | { status: 'stored'; committedSeq: number; gapFrom?: number; newBoot?: true }
  | { status: 'duplicate'; committedSeq: number };

/**
 * Store one data message exactly once: inside one transaction, skip it if its seq is already
 * committed for this boot, else store it and move the boot's committed seq forward. The caller
 * acknowledges `committedSeq` only after this resolves, i.e. after the commit.
 *
 * A boot seen for the first time and a hole in a boot's seq range are recorded as
 * `delivery_events` rows in the same transaction: facts about delivery, never errors.
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
    const event = { agent_id: sender.agentId, boot_id: message.bootId, host_id: sender.hostId, at: now };
    const newBoot = committed === 0;
    if (newBoot) {
      await insertDeliveryEvent(trx, { ...event, kind: 'boot', from_seq: message.seq, to_seq: message.seq });
    }
    // The messages in a gap were dropped by the agent; seq 1 missing from a new boot is a gap too.
    const gapFrom = message.seq === committed + 1 ? undefined : committed + 1;
    if (gapFrom !== undefined) {
      await insertDeliveryEvent(trx, {
        ...event,
        kind: 'seq_gap',
        from_seq: gapFrom,
        to_seq: message.seq - 1,
      });
    }
    return {
      status: 'stored',
      committedSeq: message.seq,
      ...(gapFrom !== undefined && { gapFrom }),
      ...(newBoot && { newBoot: true as const }),
    };
  });
}
