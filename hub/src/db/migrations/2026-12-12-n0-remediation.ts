import type { Kysely } from 'kysely';

// Frozen in time (Kysely<any>, portable column types). N0 remediation (decision 0029):
// `remediations` holds one episode per failing check the hub chose to remediate (its state, the
// attempts made, when the hub must look at it next); `remediation_attempts` one row per attempt
// sent to an agent and what the agent answered. The hub's own bound counts the attempts rows.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('remediations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text')
    .addColumn('dedup_key', 'text', (c) => c.notNull())
    .addColumn('host_id', 'text', (c) => c.notNull())
    .addColumn('client', 'text', (c) => c.notNull())
    .addColumn('check', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('window_sec', 'integer', (c) => c.notNull())
    .addColumn('verify_sec', 'integer', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_at', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('recovered_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .execute();
  await db.schema.createIndex('remediations_due').on('remediations').columns(['state', 'next_at']).execute();
  await db.schema
    .createIndex('remediations_key')
    .on('remediations')
    .columns(['dedup_key', 'state'])
    .execute();
  await db.schema.createIndex('remediations_ended').on('remediations').columns(['ended_at']).execute();

  await db.schema
    .createTable('remediation_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('remediation_id', 'text', (c) => c.notNull())
    .addColumn('host_id', 'text', (c) => c.notNull())
    .addColumn('check', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .addColumn('result_at', 'bigint')
    .addColumn('outcome', 'text')
    .addColumn('reason', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('remediation_attempts_bound')
    .on('remediation_attempts')
    .columns(['host_id', 'check', 'resource', 'sent_at'])
    .execute();
  await db.schema
    .createIndex('remediation_attempts_episode')
    .on('remediation_attempts')
    .columns(['remediation_id', 'attempt'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('remediation_attempts').execute();
  await db.schema.dropTable('remediations').execute();
}
