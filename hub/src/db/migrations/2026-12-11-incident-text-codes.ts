import type { Kysely } from 'kysely';

// Frozen in time (Kysely<any>). An incident's title as data: a code and its parameters (JSON),
// rendered in the reader's language where it is shown. `title` stays, filled with the English
// rendering for the API; rows from before have no code and are shown by their title, verbatim.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('incidents').addColumn('title_code', 'text').execute();
  await db.schema.alterTable('incidents').addColumn('title_params', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('incidents').dropColumn('title_params').execute();
  await db.schema.alterTable('incidents').dropColumn('title_code').execute();
}
