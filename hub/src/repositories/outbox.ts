import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { engineOf } from '../db/dialect.js';
import type { OutboxState, OutboxTable } from '../db/tables/outbox.js';

export type OutboxRow = Selectable<OutboxTable>;

export interface NewDelivery {
  id: string;
  deliveryKey: string;
  channelId: string;
  payload: string;
  createdAt: number;
}

/** Queue deliveries; one already queued for the same (key, channel) is left as it is. Returns how many were new. */
export async function enqueueDeliveries(
  db: Kysely<Database>,
  deliveries: readonly NewDelivery[],
): Promise<number> {
  if (deliveries.length === 0) return 0;
  const result = await db
    .insertInto('outbox')
    .values(
      deliveries.map((d) => ({
        id: d.id,
        delivery_key: d.deliveryKey,
        channel_id: d.channelId,
        payload: d.payload,
        state: 'pending' as const,
        attempts: 0,
        next_attempt_at: d.createdAt,
        claimed_by: null,
        last_error: null,
        created_at: d.createdAt,
        sent_at: null,
      })),
    )
    .onConflict((oc) => oc.columns(['delivery_key', 'channel_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

export interface ClaimOptions {
  now: number;
  limit: number;
  /** How long the claim holds; past it, the row is due again (the holder crashed or hung). */
  leaseMs: number;
  /** Unique per claim; later marks only apply while the row still carries it. */
  claimToken: string;
}

/**
 * Claim due deliveries: pending ones whose time has come and sending ones whose lease expired.
 * One UPDATE … WHERE id IN (SELECT … LIMIT) … RETURNING, atomic on SQLite (writers are
 * serialised); on PostgreSQL the inner select takes `FOR UPDATE SKIP LOCKED` so instances
 * never claim the same row. Attempts are counted here so a crash mid-send still counts.
 */
export async function claimDueDeliveries(db: Kysely<Database>, options: ClaimOptions): Promise<OutboxRow[]> {
  const due = db
    .selectFrom('outbox')
    .select('id')
    .where('state', 'in', ['pending', 'sending'])
    .where('next_attempt_at', '<=', options.now)
    .orderBy('next_attempt_at')
    .limit(options.limit)
    .$if(engineOf(db) === 'postgres', (qb) => qb.forUpdate().skipLocked());
  return db
    .updateTable('outbox')
    .set((eb) => ({
      state: 'sending',
      attempts: eb('attempts', '+', 1),
      next_attempt_at: options.now + options.leaseMs,
      claimed_by: options.claimToken,
    }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
}

/** Record a successful send; false when the claim was lost (another worker took the row over). */
export async function markDeliverySent(
  db: Kysely<Database>,
  id: string,
  claimToken: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ state: 'sent', sent_at: now, claimed_by: null, last_error: null })
    .where('id', '=', id)
    .where('claimed_by', '=', claimToken)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Record a failed send: back to pending at `nextAttemptAt`, or dead. False when the claim was lost. */
export async function markDeliveryFailed(
  db: Kysely<Database>,
  id: string,
  claimToken: string,
  failure: { state: Extract<OutboxState, 'pending' | 'dead'>; nextAttemptAt: number; error: string },
): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({
      state: failure.state,
      next_attempt_at: failure.nextAttemptAt,
      last_error: failure.error.slice(0, 1000),
      claimed_by: null,
    })
    .where('id', '=', id)
    .where('claimed_by', '=', claimToken)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deliveries for the admin view, newest first, optionally of one state. */
export async function listDeliveries(
  db: Kysely<Database>,
  filter: { state?: OutboxState | undefined; limit: number },
): Promise<OutboxRow[]> {
  let query = db
    .selectFrom('outbox')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(filter.limit);
  if (filter.state !== undefined) query = query.where('state', '=', filter.state);
  return query.execute();
}

export async function findDelivery(db: Kysely<Database>, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Give a dead delivery a fresh set of attempts, due now; false unless it was dead. */
export async function retryDeadDelivery(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ state: 'pending', attempts: 0, next_attempt_at: now, claimed_by: null })
    .where('id', '=', id)
    .where('state', '=', 'dead')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Counts per state, for the admin view and /metrics later. */
export async function countDeliveriesByState(db: Kysely<Database>): Promise<Record<OutboxState, number>> {
  const rows = await db
    .selectFrom('outbox')
    .select(['state', sql<number>`count(*)`.as('n')])
    .groupBy('state')
    .execute();
  const counts: Record<OutboxState, number> = { pending: 0, sending: 0, sent: 0, dead: 0 };
  for (const row of rows) counts[row.state] = Number(row.n);
  return counts;
}

/**
 * The channels that were given a notice about this incident (its delivery keys all start with
 * `<incident id>/`), whatever became of the delivery since: they are the ones a recovery is owed to.
 */
export async function listChannelsToldAbout(db: Kysely<Database>, incidentId: string): Promise<string[]> {
  const prefix = `${incidentId}/`;
  const rows = await db
    .selectFrom('outbox')
    .select('channel_id')
    .distinct()
    .where(sql<string>`substr(delivery_key, 1, ${prefix.length})`, '=', prefix)
    .execute();
  return rows.map((row) => row.channel_id);
}
