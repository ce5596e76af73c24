import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { IncidentNotice, IncidentNotifier } from '../incidents/notifier.js';
import { enqueueDeliveries, listChannelsToldAbout } from '../repositories/outbox.js';
import { generateId, type RandomBytes } from '../security/secrets.js';
import { channelWants } from './channel-config.js';
import { listEnabledChannels } from './channels/store.js';

export interface OutboxNotifierOptions {
  /**
   * Called after rows were queued, still inside the caller's transaction: pass the worker's
   * `wake`, which defers its pass. On SQLite that pass waits for the transaction's connection,
   * so it sees the commit; elsewhere a pass that ran too early is covered by the next sweep.
   */
  afterQueued?: () => void;
}

/**
 * The incident engine's notifier: one outbox row per enabled channel that serves the notice's
 * level and wants its kind (for a recovery: per enabled channel already told about the incident), written in the engine's transaction (so a notice exists if and only
 * if the incident change committed), idempotent on (delivery key, channel).
 */
export function createOutboxNotifier(
  deps: { clock: () => number; random: RandomBytes },
  options: OutboxNotifierOptions = {},
): IncidentNotifier {
  return {
    async notify(trx: Kysely<Database>, notice: IncidentNotice): Promise<void> {
      const to = notice.to;
      // A recovery is owed to the channels that heard about the fault, and to no other.
      const told =
        notice.kind === 'recovered' ? new Set(await listChannelsToldAbout(trx, notice.incidentId)) : null;
      // A policy step naming a channel reaches it whatever levels and kinds it serves.
      const channels = (await listEnabledChannels(trx)).filter((channel) =>
        told !== null
          ? channel.enabled && told.has(channel.id)
          : to !== undefined && 'channelId' in to
            ? channel.enabled && channel.id === to.channelId
            : channelWants(channel, { kind: notice.kind, level: to?.level ?? notice.level }),
      );
      if (channels.length === 0) return;
      const now = deps.clock();
      const payload = JSON.stringify(notice);
      const queued = await enqueueDeliveries(
        trx,
        channels.map((channel) => ({
          id: generateId('dlv', deps.random),
          deliveryKey: notice.deliveryKey,
          channelId: channel.id,
          payload,
          createdAt: now,
        })),
      );
      if (queued > 0) options.afterQueued?.();
    },
  };
}
