import type { AgentDataMessage } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { retryTransient } from '../db/dialect.js';
import { advanceCommittedSeq, committedSeq } from '../repositories/agents.js';
import { insertDeliveryEvent } from '../repositories/delivery.js';

/** Who sent a message, from the authenticated connection. */
export interface SenderIdentity {
  readonly agentId: string;
  readonly hostId: string;
}

/** Part of a message the hub left out (bad input loses the rest of nothing); the agent is told. */
export interface Refusal {
  readonly code: string;
  readonly detail: string;
}

export type CommitOutcome =
  | {
      status: 'stored';
      committedSeq: number;
      gapFrom?: number;
      newBoot?: true;
      refused?: readonly Refusal[];
    }
  | { status: 'duplicate'; committedSeq: number };

/** What a store returns: nothing, or what it refused of the message. */
export type StoreResult = Promise<void> | Promise<readonly Refusal[]>;

/** Stores a message's content inside the commit's transaction; returns what it refused of it. */
export type StoreFn = (trx: Kysely<Database>, receivedAt: number) => StoreResult;

/**
 * The generic commit, through Kysely on any dialect: inside one transaction, skip the message if
 * its seq is already committed for this boot, else store it and move the boot's committed seq
 * forward. A boot seen for the first time and a hole in a boot's seq range are recorded as
 * `delivery_events` rows in the same transaction: facts about delivery, never errors.
 */
export async function commitInTransaction(
  db: Kysely<Database>,
  sender: SenderIdentity,
  message: AgentDataMessage,
  now: number,
  store: StoreFn,
): Promise<CommitOutcome> {
  // A deadlock PostgreSQL broke between hub instances is run again rather than failing the socket.
  return retryTransient(() =>
    db.transaction().execute(async (trx) => {
      const committed = await committedSeq(trx, sender.agentId, message.bootId);
      if (message.seq <= committed) return { status: 'duplicate', committedSeq: committed };
      const refused = await store(trx, now);
      await advanceCommittedSeq(trx, sender.agentId, message.bootId, message.seq, now);
      const event = { agent_id: sender.agentId, boot_id: message.bootId, host_id: sender.hostId, at: now };
      const newBoot = committed === 0;
      if (newBoot) {
        await insertDeliveryEvent(trx, {
          ...event,
          kind: 'boot',
          from_seq: message.seq,
          to_seq: message.seq,
        });
      }
      const gapFrom = seqGapFrom(committed, message.seq);
      if (gapFrom !== undefined) {
        await insertDeliveryEvent(trx, {
          ...event,
          kind: 'seq_gap',
          from_seq: gapFrom,
          to_seq: message.seq - 1,
        });
      }
      return withRefusals(storedOutcome(message.seq, gapFrom, newBoot), refused ?? []);
    }),
  );
}

/** The first missing seq when `seq` does not follow `committed` (seq 1 missing from a new boot is a gap too). */
export function seqGapFrom(committed: number, seq: number): number | undefined {
  return seq === committed + 1 ? undefined : committed + 1;
}

export function storedOutcome(seq: number, gapFrom: number | undefined, newBoot: boolean): CommitOutcome {
  return {
    status: 'stored',
    committedSeq: seq,
    ...(gapFrom !== undefined && { gapFrom }),
    ...(newBoot && { newBoot: true as const }),
  };
}

/** The outcome, telling what was refused of the message if anything was. */
export function withRefusals(outcome: CommitOutcome, refused: readonly Refusal[]): CommitOutcome {
  return outcome.status === 'stored' && refused.length > 0 ? { ...outcome, refused } : outcome;
}
