import type { RemediationResultMessage } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { HubDeps } from '../../config/deps.js';
import type { Database } from '../../db/database.js';
import type { SenderIdentity } from '../commit-in-transaction.js';

/**
 * An agent's answer to a `remediate`, recorded on its episode and incident in the transaction
 * that commits the message (decision 0029). A hub without the N0 service (never sent a request)
 * has nothing to record.
 */
export async function storeRemediationResult(
  trx: Kysely<Database>,
  sender: SenderIdentity,
  message: RemediationResultMessage,
  receivedAt: number,
  deps: Pick<HubDeps, 'remediation'>,
): Promise<void> {
  await deps.remediation?.result(trx, sender.hostId, message, receivedAt);
}
