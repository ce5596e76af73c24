import type { Kysely } from 'kysely';

// Frozen in time (see the foundation migration): Kysely<any>, portable column types.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  // Nonce-bound hello (0025): the public half of the Ed25519 key each agent derives from its secret,
  // for the current and the rotated-out secret. Null until the hub held the raw secret once since.
  await db.schema.alterTable('agents').addColumn('hello_key', 'text').execute();
  await db.schema.alterTable('agents').addColumn('previous_hello_key', 'text').execute();
  // Hellos accepted without a proof (the deprecation window), shown per host in the API.
  await db.schema
    .alterTable('agents')
    .addColumn('legacy_hellos', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('agents').addColumn('last_legacy_hello_at', 'bigint').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['last_legacy_hello_at', 'legacy_hellos', 'previous_hello_key', 'hello_key']) {
    await db.schema.alterTable('agents').dropColumn(column).execute();
  }
}
