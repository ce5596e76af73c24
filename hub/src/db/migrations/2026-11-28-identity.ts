import type { Kysely } from 'kysely';

// Frozen in time (see the foundation migration): Kysely<any>, portable column types.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  // Credential rotation: the secret replaced last stays valid until previous_secret_expires_at
  // (the grace window) or until the agent confirms it saved the new one, whichever comes first.
  await db.schema.alterTable('agents').addColumn('previous_secret_hash', 'text').execute();
  await db.schema.alterTable('agents').addColumn('previous_secret_expires_at', 'bigint').execute();
  await db.schema.alterTable('agents').addColumn('secret_rotated_at', 'bigint').execute();
  // Set by the API; the rotation itself happens on the agent's live socket (now or at its next hello).
  await db.schema.alterTable('agents').addColumn('rotation_requested_at', 'bigint').execute();
  // One row /healthz rewrites while the hub is degraded, to learn whether commits work again.
  await db.schema
    .createTable('storage_probe')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('storage_probe').execute();
  for (const column of [
    'rotation_requested_at',
    'secret_rotated_at',
    'previous_secret_expires_at',
    'previous_secret_hash',
  ]) {
    await db.schema.alterTable('agents').dropColumn(column).execute();
  }
}
