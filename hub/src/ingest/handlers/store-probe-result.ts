import type { ProbeResultMessage } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { HubDeps } from '../../config/deps.js';
import type { Database } from '../../db/database.js';
import { recordProbeResult } from '../../probes/record-result.js';
import type { SenderIdentity } from '../commit-in-transaction.js';

/**
 * Store a probe result and judge it (agreement between the probing agents, TLS stages) in the
 * transaction that commits the message, so the ack covers the incident change too.
 */
export async function storeProbeResult(
  trx: Kysely<Database>,
  sender: SenderIdentity,
  message: ProbeResultMessage,
  receivedAt: number,
  deps: Pick<HubDeps, 'incidents'>,
): Promise<void> {
  await recordProbeResult(trx, deps.incidents, sender, message, receivedAt);
}
