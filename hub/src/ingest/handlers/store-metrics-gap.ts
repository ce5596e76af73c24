import type { MetricsGapMessage } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { insertMetricGap } from '../../repositories/delivery.js';
import type { SenderIdentity } from '../commit-in-transaction.js';

/** Store the samples an agent declared lost, so charts can show a hole instead of silence. */
export async function storeMetricsGap(
  trx: Kysely<Database>,
  sender: SenderIdentity,
  message: MetricsGapMessage,
  receivedAt: number,
): Promise<void> {
  await insertMetricGap(trx, {
    agent_id: sender.agentId,
    boot_id: message.bootId,
    seq: message.seq,
    host_id: sender.hostId,
    from_at: message.from,
    to_at: message.to,
    count: message.count,
    received_at: receivedAt,
  });
}
