import type { Kysely } from 'kysely';

// Frozen in time (Kysely<any>, portable column types). Silence is judged from the later of what
// was last heard of a host and the moment the hub could first have heard it again after it could
// not (its start, or an instance taking over the agents of one that died):
// docs/decisions/0023-silence-from-last-message.md. Null: no such moment since the host was heard.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('hosts').addColumn('silence_baseline_at', 'bigint').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('hosts').dropColumn('silence_baseline_at').execute();
}
