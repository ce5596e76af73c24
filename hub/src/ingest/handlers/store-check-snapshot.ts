import type { CheckSnapshotMessage } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { HubDeps } from '../../config/deps.js';
import type { Database } from '../../db/database.js';
import { handleCheckSnapshot } from '../../incidents/handle-check-snapshot.js';
import type { SenderIdentity } from '../commit-in-transaction.js';

/**
 * Feed an agent's check snapshot to the incident engine in the commit's transaction: the ack
 * means the recoveries it brought are committed. A resend is skipped by the commit's seq check.
 */
export async function storeCheckSnapshot(
  trx: Kysely<Database>,
  sender: SenderIdentity,
  message: CheckSnapshotMessage,
  receivedAt: number,
  deps: Pick<HubDeps, 'incidents'>,
): Promise<void> {
  await handleCheckSnapshot(trx, deps.incidents, sender.hostId, message, receivedAt);
}
