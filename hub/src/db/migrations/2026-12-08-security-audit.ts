import type { Kysely } from 'kysely';

// Frozen in time (Kysely<any>, portable column types). What a hostile peer tried, for the admins:
// security_audit keeps one row per refusal worth knowing about (an enrolment refused with its real
// reason, an account locked, an address throttled), with the details as JSON. sign_in_failures
// holds each account name's failed sign-ins and lock, in the database so that every hub sharing
// one PostgreSQL counts the same guesses, whichever address or hub they came through.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('security_audit')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('actor', 'text')
    .addColumn('subject', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('security_audit_at').on('security_audit').columns(['at', 'id']).execute();
  await db.schema
    .createIndex('security_audit_kind_at')
    .on('security_audit')
    .columns(['kind', 'at', 'id'])
    .execute();

  await db.schema
    .createTable('sign_in_failures')
    .addColumn('account', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_failure_at', 'bigint', (c) => c.notNull())
    .addColumn('lockouts', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'bigint', (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sign_in_failures').execute();
  await db.schema.dropTable('security_audit').execute();
}
