import type { CheckStateMessage } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findHost } from '../repositories/hosts.js';
import { dedupKey, hostFacts } from './facts.js';
import { handleSignal, type SignalOutcome } from './handle-signal.js';
import type { IncidentRuntime } from './runtime.js';

/**
 * Turn an agent's `checkState` into incident changes, inside the transaction that stores the
 * message, so the agent's ack means the incident change is committed too. Identity (host,
 * client, site) comes from the authenticated connection's host row, never from the message.
 */
export async function handleCheckState(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  hostId: string,
  message: CheckStateMessage,
  now: number,
  /** `deferPaging`: an opening waits for N0 before it pages (decision 0029). */
  options: { deferPaging?: boolean } = {},
): Promise<SignalOutcome> {
  const host = await findHost(trx, hostId);
  if (!host) return { decision: 'ignore', incidentId: null };
  const resource = message.resource ?? '';
  return handleSignal(
    trx,
    runtime,
    {
      key: dedupKey(host.client, host.id, message.check, resource),
      client: host.client,
      site: host.site,
      host: hostFacts(host),
      check: message.check,
      resource,
      state: message.state,
      observedAt: message.at,
      value: message.value,
      threshold: message.threshold,
      message: message.message ?? null,
    },
    now,
    'agent',
    options,
  );
}
