import type { CheckStateMessage } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { HubDeps } from '../../config/deps.js';
import type { Database } from '../../db/database.js';
import { handleCheckState } from '../../incidents/handle-check-state.js';
import { insertCheckState } from '../../repositories/check-states.js';
import type { SenderIdentity } from '../commit-in-transaction.js';

/**
 * Store a check state change verbatim and feed it to the incident engine in the same
 * transaction: the ack the agent gets after the commit covers the incident change as well.
 */
export async function storeCheckState(
  trx: Kysely<Database>,
  sender: SenderIdentity,
  message: CheckStateMessage,
  receivedAt: number,
  deps: Pick<HubDeps, 'incidents' | 'remediation'>,
): Promise<void> {
  const stored = await insertCheckState(trx, {
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
  // A resent message was already judged when it was first stored.
  if (!stored) return;
  const n0 = deps.remediation;
  // N0 (decision 0029): a recovery during an episode is N0's to verify; a fault may wait for it.
  if (n0 && message.state === 'ok' && (await n0.recovered(trx, sender.hostId, message, receivedAt))) return;
  const plan =
    n0 && message.state !== 'ok' ? await n0.beforeFault(trx, sender.hostId, message, receivedAt) : undefined;
  const outcome = await handleCheckState(trx, deps.incidents, sender.hostId, message, receivedAt, {
    deferPaging: plan !== undefined,
  });
  if (n0 && plan) await n0.afterFault(trx, plan, outcome, receivedAt);
}
