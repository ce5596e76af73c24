import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { DeliveryEventsTable, MetricGapsTable } from '../db/tables/delivery.js';

export type MetricGapRow = Selectable<MetricGapsTable>;
export type DeliveryEventRow = Selectable<DeliveryEventsTable>;

/** Store a declared metrics gap; a resent one (same agent, boot, seq) is ignored. */
export async function insertMetricGap(db: Kysely<Database>, row: Insertable<MetricGapsTable>): Promise<void> {
  await db
    .insertInto('metric_gaps')
    .values(row)
    .onConflict((oc) => oc.columns(['agent_id', 'boot_id', 'seq']).doNothing())
    .execute();
}

/** Record a delivery fact (new boot, seq gap); recording it twice is a no-op. */
export async function insertDeliveryEvent(
  db: Kysely<Database>,
  row: Insertable<DeliveryEventsTable>,
): Promise<void> {
  await db
    .insertInto('delivery_events')
    .values(row)
    .onConflict((oc) => oc.columns(['agent_id', 'boot_id', 'kind', 'from_seq']).doNothing())
    .execute();
}

/** A host's declared metrics gaps overlapping [from, to], oldest first. */
export async function listMetricGaps(
  db: Kysely<Database>,
  hostId: string,
  range: { from: number; to: number; limit: number },
): Promise<MetricGapRow[]> {
  return db
    .selectFrom('metric_gaps')
    .selectAll()
    .where('host_id', '=', hostId)
    .where('to_at', '>=', range.from)
    .where('from_at', '<=', range.to)
    .orderBy('from_at')
    .limit(range.limit)
    .execute();
}

/** A host's delivery events recorded in [from, to], oldest first. */
export async function listDeliveryEvents(
  db: Kysely<Database>,
  hostId: string,
  range: { from: number; to: number; limit: number },
): Promise<DeliveryEventRow[]> {
  return db
    .selectFrom('delivery_events')
    .selectAll()
    .where('host_id', '=', hostId)
    .where('at', '>=', range.from)
    .where('at', '<=', range.to)
    .orderBy('at')
    .limit(range.limit)
    .execute();
}
