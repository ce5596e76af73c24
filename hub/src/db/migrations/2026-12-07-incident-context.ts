import type { Kysely } from 'kysely';

// Frozen in time (Kysely<any>, portable column types). What the host was doing when an incident
// opened from one of its faults: the top processes, copied from the raw sample nearest the fault
// (raw samples are pruned after 2 h; the incident page needs them for as long as the incident).
// One row per incident at most; the lists are the agent's own JSON, bounded when copied.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('incident_context')
    .addColumn('incident_id', 'text', (c) => c.primaryKey().references('incidents.id').onDelete('cascade'))
    .addColumn('processes_at', 'bigint', (c) => c.notNull())
    .addColumn('top_by_cpu', 'text', (c) => c.notNull())
    .addColumn('top_by_memory', 'text', (c) => c.notNull())
    .addColumn('captured_at', 'bigint', (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('incident_context').execute();
}
