import type { Kysely } from 'kysely';

// Frozen in time: uses Kysely<any> and plain column types that mean the same on SQLite and
// PostgreSQL (bigint milliseconds for time, text for ids and JSON, double precision for figures).

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('disabled_at', 'bigint')
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('uses', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('enrolment_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('client', 'text', (c) => c.notNull())
    .addColumn('site', 'text', (c) => c.notNull())
    .addColumn('role', 'text')
    .addColumn('max_uses', 'bigint', (c) => c.notNull())
    .addColumn('uses', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('note', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('hosts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hostname', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('client', 'text', (c) => c.notNull())
    .addColumn('site', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('os_platform', 'text', (c) => c.notNull())
    .addColumn('os_distro', 'text', (c) => c.notNull())
    .addColumn('os_release', 'text', (c) => c.notNull())
    .addColumn('os_kernel', 'text', (c) => c.notNull())
    .addColumn('os_arch', 'text', (c) => c.notNull())
    .addColumn('agent_version', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint')
    .addColumn('connected', 'integer', (c) => c.notNull())
    .addColumn('last_sample_at', 'bigint')
    .addColumn('cpu_pct', 'double precision')
    .addColumn('mem_pct', 'double precision')
    .addColumn('swap_pct', 'double precision')
    .addColumn('disk_max_pct', 'double precision')
    .addColumn('load1', 'double precision')
    .execute();
  await db.schema.createIndex('hosts_client_site').on('hosts').columns(['client', 'site']).execute();
  await db.schema.createIndex('hosts_fingerprint').on('hosts').column('fingerprint').execute();

  await db.schema
    .createTable('agents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host_id', 'text', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('enrolment_token_id', 'text', (c) => c.references('enrolment_tokens.id').onDelete('set null'))
    .addColumn('enrolled_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('agents_host').on('agents').column('host_id').execute();

  await db.schema
    .createTable('agent_boots')
    .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('boot_id', 'text', (c) => c.notNull())
    .addColumn('committed_seq', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_boots_pk', ['agent_id', 'boot_id'])
    .execute();

  await db.schema
    .createTable('samples')
    .addColumn('host_id', 'text', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('boot_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('cpu_pct', 'double precision')
    .addColumn('mem_pct', 'double precision')
    .addColumn('swap_pct', 'double precision')
    .addColumn('disk_max_pct', 'double precision')
    .addColumn('load1', 'double precision')
    .addColumn('payload', 'text', (c) => c.notNull())
    // The natural key makes a resent message a no-op (insert … on conflict do nothing).
    .addPrimaryKeyConstraint('samples_pk', ['host_id', 'boot_id', 'seq', 'idx'])
    .execute();
  await db.schema.createIndex('samples_host_at').on('samples').columns(['host_id', 'at']).execute();

  await db.schema
    .createTable('check_states')
    .addColumn('host_id', 'text', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('boot_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('check', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('previous', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('threshold', 'double precision')
    .addColumn('message', 'text')
    .addPrimaryKeyConstraint('check_states_pk', ['host_id', 'boot_id', 'seq'])
    .execute();
  await db.schema.createIndex('check_states_host_at').on('check_states').columns(['host_id', 'at']).execute();

  await db.schema
    .createTable('inventories')
    .addColumn('host_id', 'text', (c) => c.primaryKey().references('hosts.id').onDelete('cascade'))
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('collected_at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('inventory_chunks')
    .addColumn('host_id', 'text', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('chunk', 'integer', (c) => c.notNull())
    .addColumn('chunks', 'integer', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('inventory_chunks_pk', ['host_id', 'hash', 'chunk'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'inventory_chunks',
    'inventories',
    'check_states',
    'samples',
    'agent_boots',
    'agents',
    'hosts',
    'enrolment_tokens',
    'api_tokens',
    'users',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
