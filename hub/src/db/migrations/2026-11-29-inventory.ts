import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen in time (see the foundation migration): Kysely<any>, portable column types. The two
// engine-specific columns go through the helpers below, which emit exactly the SQLite DDL this
// migration always had and the PostgreSQL equivalent. They are copies of db/dialect.ts's as of
// this migration, so a later change to the live helpers cannot change what this migration did.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** An integer primary key the engine numbers: an identity column on PostgreSQL, AUTOINCREMENT on SQLite. */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
function autoIncrementKey(db: Kysely<any>) {
  return (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    isPostgres(db) ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement();
}

/** A text column compared ignoring case: `collate nocase` on SQLite, plain text on PostgreSQL. */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
function textIgnoringCase(db: Kysely<any>, c: ColumnDefinitionBuilder): ColumnDefinitionBuilder {
  return isPostgres(db) ? c : c.modifyEnd(sql`collate nocase`);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  // Each host's installed software, one row per entry of its current snapshot, so a fleet search
  // is an indexed query rather than a scan of every snapshot's JSON.
  await db.schema
    .createTable('inventory_software')
    .addColumn('host_id', 'text', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    // Names compare case-insensitively (`Bash` finds `bash`) and the index serves that.
    .addColumn('name', 'text', (c) => textIgnoringCase(db, c.notNull()))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('publisher', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('installed_at', 'bigint')
    .execute();
  await db.schema.createIndex('inventory_software_host').on('inventory_software').column('host_id').execute();
  await db.schema.createIndex('inventory_software_name').on('inventory_software').column('name').execute();

  // What changed between a host's snapshots; `security` flags changes an admin must look at.
  await db.schema
    .createTable('inventory_changes')
    .addColumn('id', 'integer', autoIncrementKey(db))
    .addColumn('host_id', 'text', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('old_value', 'text')
    .addColumn('new_value', 'text')
    .addColumn('security', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('inventory_changes_host')
    .on('inventory_changes')
    .columns(['host_id', 'at'])
    .execute();

  // Pending updates per host, and since when the hub has seen security updates pending.
  await db.schema
    .createTable('host_updates')
    .addColumn('host_id', 'text', (c) => c.primaryKey().references('hosts.id').onDelete('cascade'))
    .addColumn('manager', 'text')
    .addColumn('pending', 'integer')
    .addColumn('security', 'integer')
    .addColumn('reboot_required', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('security_since', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // The antivirus each host reported, and how old its signatures are.
  await db.schema
    .createTable('host_antivirus')
    .addColumn('host_id', 'text', (c) => c.primaryKey().references('hosts.id').onDelete('cascade'))
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer')
    .addColumn('signatures_at', 'bigint')
    .addColumn('up_to_date', 'integer')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('host_warranties')
    .addColumn('host_id', 'text', (c) => c.primaryKey().references('hosts.id').onDelete('cascade'))
    .addColumn('purchased_at', 'bigint')
    .addColumn('warranty_until', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('licences')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client', 'text')
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name_pattern', 'text', (c) => c.notNull())
    .addColumn('publisher_pattern', 'text')
    .addColumn('seats', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // The last stage each hub-side inventory signal was sent at, so an hourly sweep signals a
  // stage once (and again daily only to keep its incident from going stale).
  await db.schema
    .createTable('inventory_signals')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('signalled_at', 'bigint', (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'inventory_signals',
    'licences',
    'host_warranties',
    'host_antivirus',
    'host_updates',
    'inventory_changes',
    'inventory_software',
  ])
    await db.schema.dropTable(table).execute();
}
