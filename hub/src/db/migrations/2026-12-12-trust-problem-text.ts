import type { Kysely } from 'kysely';

// Frozen in time (Kysely<any>). A problem's title as data, like an incident's (0027): the code and
// parameters of its incidents' title, rendered "Recurring: …" / « Récurrent : … » where shown.
// `title` stays (English, for the API); rows from before have no code and show their title.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('problems').addColumn('title_code', 'text').execute();
  await db.schema.alterTable('problems').addColumn('title_params', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('problems').dropColumn('title_params').execute();
  await db.schema.alterTable('problems').dropColumn('title_code').execute();
}
