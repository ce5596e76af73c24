import type { AgentDataMessage, RefusedSample } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { HubDeps } from '../../config/deps.js';
import type { Database } from '../../db/database.js';
import {
  type CommitOutcome,
  commitInTransaction,
  type SenderIdentity,
  type StoreResult,
} from '../commit-in-transaction.js';
import { commitMetrics } from './commit-metrics.js';
import { storeCheckSnapshot } from './store-check-snapshot.js';
import { storeCheckState } from './store-check-state.js';
import { storeInventory } from './store-inventory.js';
import { storeMetricsGap } from './store-metrics-gap.js';
import { storeProbeResult } from './store-probe-result.js';
import { storeRemediationResult } from './store-remediation-result.js';

/** What a handler may use: the database, and what the incident engine needs. */
export type HandlerDeps = Pick<HubDeps, 'db' | 'incidents' | 'random' | 'remediation'>;

type Store<M> = (
  trx: Kysely<Database>,
  sender: SenderIdentity,
  message: M,
  receivedAt: number,
  deps: Pick<HubDeps, 'incidents' | 'random' | 'remediation'>,
) => StoreResult;

/**
 * Commits one message exactly once per (agent, boot, seq); settles after the commit. `refused`
 * lists the samples the codec already left out of a metrics message (to be counted with it).
 */
type Handler<M> = (
  deps: HandlerDeps,
  sender: SenderIdentity,
  message: M,
  receivedAt: number,
  refused?: readonly RefusedSample[],
) => Promise<CommitOutcome>;

/** The generic commit: `store` runs inside a transaction of its own, where the incident engine can join it. */
function inTransaction<M extends AgentDataMessage>(store: Store<M>): Handler<M> {
  return (deps, sender, message, receivedAt) =>
    commitInTransaction(deps.db, sender, message, receivedAt, (trx, now) =>
      store(trx, sender, message, now, deps),
    );
}

/**
 * One handler per data message type; a new message type is a new entry here. Metrics, the hot
 * path, go through the database's metrics store (prepared statements and group commit on SQLite).
 */
export const HANDLERS: { [T in AgentDataMessage['type']]: Handler<Extract<AgentDataMessage, { type: T }>> } =
  {
    metrics: commitMetrics,
    checkState: inTransaction(storeCheckState),
    inventory: inTransaction(storeInventory),
    metricsGap: inTransaction(storeMetricsGap),
    probeResult: inTransaction(storeProbeResult),
    checkSnapshot: inTransaction(storeCheckSnapshot),
    remediationResult: inTransaction(storeRemediationResult),
  };

/** Route a data message to its handler with its narrowed type. */
export function handle(
  deps: HandlerDeps,
  sender: SenderIdentity,
  message: AgentDataMessage,
  receivedAt: number,
  refused?: readonly RefusedSample[],
): Promise<CommitOutcome> {
  const handler = HANDLERS[message.type] as Handler<AgentDataMessage>;
  return handler(deps, sender, message, receivedAt, refused);
}
