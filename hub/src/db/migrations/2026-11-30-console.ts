import type { Kysely } from 'kysely';

// Frozen in time (see the foundation migration): Kysely<any>, portable column types.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  // The console's sign-in: `scrypt$N$r$p$salt$key` (base64url parts); NULL means API tokens only.
  await db.schema.alterTable('users').addColumn('password_hash', 'text').execute();

  // Server-side console sessions. The cookie carries a random token; only its SHA-256 is stored,
  // so a copy of the database signs nobody in. Each session has its own CSRF token.
  await db.schema
    .createTable('console_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('console_sessions_user').on('console_sessions').column('user_id').execute();

  // The console's live feed asks "did any incident change since?" every few seconds.
  await db.schema.createIndex('incidents_updated_at').on('incidents').column('updated_at').execute();
  // The fleet page lists hosts by name, a page at a time, among tens of thousands.
  await db.schema.createIndex('hosts_hostname').on('hosts').columns(['hostname', 'id']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('hosts_hostname').execute();
  await db.schema.dropIndex('incidents_updated_at').execute();
  await db.schema.dropTable('console_sessions').execute();
  await db.schema.alterTable('users').dropColumn('password_hash').execute();
}
