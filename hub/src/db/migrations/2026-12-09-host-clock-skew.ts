import type { Kysely } from 'kysely';

// Frozen in time (Kysely<any>, portable column types). A host's latest health is chosen by arrival,
// not by the agent's timestamp, so one far-future sample can no longer pin it: the arrival of the
// sample it came from is kept beside it. The offset of the host's clock from the hub's, as measured
// on its last report, and the count of samples the hub refused from it, are shown on the host.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('hosts').addColumn('last_sample_received_at', 'bigint').execute();
  await db.schema.alterTable('hosts').addColumn('clock_offset_ms', 'bigint').execute();
  await db.schema.alterTable('hosts').addColumn('clock_offset_at', 'bigint').execute();
  await db.schema
    .alterTable('hosts')
    .addColumn('refused_samples', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['refused_samples', 'clock_offset_at', 'clock_offset_ms', 'last_sample_received_at']) {
    await db.schema.alterTable('hosts').dropColumn(column).execute();
  }
}
