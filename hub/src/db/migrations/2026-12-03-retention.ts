import type { Kysely } from 'kysely';

// Frozen in time (Kysely<any>, portable column types). Roll-up tiers of the headline figures and
// the retention job's progress (docs/decisions/0018-report-rows-rollups-and-hot-path.md).

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  // One row per host, tier (`step_ms`) and bucket start: how many samples fell in it and, for each
  // headline figure, their mean and maximum (a chart of means alone would hide the spikes).
  let rollups = db.schema
    .createTable('sample_rollups')
    .addColumn('host_id', 'text', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('step_ms', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('samples', 'integer', (c) => c.notNull());
  for (const figure of ['cpu', 'mem', 'swap', 'disk_max', 'load1']) {
    rollups = rollups
      .addColumn(`${figure}_avg`, 'double precision')
      .addColumn(`${figure}_max`, 'double precision');
  }
  await rollups.addPrimaryKeyConstraint('sample_rollups_pk', ['host_id', 'step_ms', 'at']).execute();
  // Pruning a tier deletes its oldest buckets across every host.
  await db.schema
    .createIndex('sample_rollups_step_at')
    .on('sample_rollups')
    .columns(['step_ms', 'at'])
    .execute();

  // The roll-up job reads what arrived since its last pass, and pruning removes raw samples by
  // age of arrival: both walk this index instead of the whole table.
  await db.schema.createIndex('samples_received_at').on('samples').column('received_at').execute();

  // Named instants the job has reached (e.g. `rolled_up_received_until`), so a restart resumes.
  await db.schema
    .createTable('retention_state')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('retention_state').execute();
  await db.schema.dropIndex('samples_received_at').execute();
  await db.schema.dropTable('sample_rollups').execute();
}
