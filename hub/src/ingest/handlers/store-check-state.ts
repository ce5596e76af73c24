import type { CheckStateMessage } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { insertCheckState } from '../../repositories/check-states.js';
import type { SenderIdentity } from '../commit-data-message.js';

/** Store a check state change verbatim; the incident engine builds on these rows. */
export async function storeCheckState(
  trx: Kysely<Database>,
  sender: SenderIdentity,
  message: CheckStateMessage,
  receivedAt: number,
): Promise<void> {
  await insertCheckState(trx, {
    host_id: sender.hostId,
    boot_id: message.bootId,
    seq: message.seq,
    at: message.at,
    received_at: receivedAt,
    check: message.check,
    resource: message.resource ?? '',
    state: message.state,
    previous: message.previous,
    value: message.value,
    threshold: message.threshold,
    message: message.message ?? null,
  });
}
