import type { AgentDataMessage } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { HubDeps } from '../../config/deps.js';
import type { Database } from '../../db/database.js';
import type { SenderIdentity } from '../commit-data-message.js';
import { storeCheckState } from './store-check-state.js';
import { storeInventory } from './store-inventory.js';
import { storeMetrics } from './store-metrics.js';
import { storeMetricsGap } from './store-metrics-gap.js';
import { storeProbeResult } from './store-probe-result.js';

type Store<M> = (
  trx: Kysely<Database>,
  sender: SenderIdentity,
  message: M,
  receivedAt: number,
  deps: Pick<HubDeps, 'incidents' | 'random'>,
) => Promise<void>;

/** One store function per data message type; a new message type is a new entry here. */
export const STORES: { [T in AgentDataMessage['type']]: Store<Extract<AgentDataMessage, { type: T }>> } = {
  metrics: storeMetrics,
  checkState: storeCheckState,
  inventory: storeInventory,
  metricsGap: storeMetricsGap,
  probeResult: storeProbeResult,
};

/** Route a data message to its store function with its narrowed type. */
export function storeFor(
  message: AgentDataMessage,
  sender: SenderIdentity,
  deps: Pick<HubDeps, 'incidents' | 'random'>,
): (trx: Kysely<Database>, receivedAt: number) => Promise<void> {
  const store = STORES[message.type] as Store<AgentDataMessage>;
  return (trx, receivedAt) => store(trx, sender, message, receivedAt, deps);
}
