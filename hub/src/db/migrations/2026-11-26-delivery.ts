import type { Kysely } from 'kysely';

// Frozen in time (see the foundation migration): Kysely<any>, portable column types.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  // Samples an agent declared lost (dropped from its spool); keyed like the message carrying it,
  // so a resent metricsGap is a no-op.
  await db.schema
    .createTable('metric_gaps')
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('boot_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('host_id', 'text', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('from_at', 'bigint', (c) => c.notNull())
    .addColumn('to_at', 'bigint', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('metric_gaps_pk', ['agent_id', 'boot_id', 'seq'])
    .execute();
  await db.schema.createIndex('metric_gaps_host').on('metric_gaps').columns(['host_id', 'to_at']).execute();

  // What the hub noticed about delivery itself: a boot seen for the first time, a hole in a boot's
  // seq range. One row per (agent, boot, kind, first seq), so a replay cannot add a second.
  await db.schema
    .createTable('delivery_events')
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('boot_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_seq', 'bigint', (c) => c.notNull())
    .addColumn('to_seq', 'bigint', (c) => c.notNull())
    .addColumn('host_id', 'text', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('delivery_events_pk', ['agent_id', 'boot_id', 'kind', 'from_seq'])
    .execute();
  await db.schema
    .createIndex('delivery_events_host')
    .on('delivery_events')
    .columns(['host_id', 'at'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('delivery_events').execute();
  await db.schema.dropTable('metric_gaps').execute();
}
