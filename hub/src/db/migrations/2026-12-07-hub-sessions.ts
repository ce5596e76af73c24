import type { Kysely } from 'kysely';

// Frozen in time (Kysely<any>, portable column types). Several hub instances on one PostgreSQL
// (docs/decisions/0015-postgresql-and-several-hubs.md): which instance holds each agent's socket,
// under an epoch that every new connection of the agent bumps. An instance whose epoch is no
// longer the agent's closes its stale socket and must not mark the host disconnected.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('agent_sessions')
    .addColumn('agent_id', 'text', (c) => c.primaryKey().references('agents.id').onDelete('cascade'))
    .addColumn('host_id', 'text', (c) => c.notNull().references('hosts.id').onDelete('cascade'))
    .addColumn('epoch', 'bigint', (c) => c.notNull())
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('connected_at', 'bigint', (c) => c.notNull())
    .addColumn('disconnected_at', 'bigint')
    .execute();
  await db.schema.createIndex('agent_sessions_instance').on('agent_sessions').column('instance_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('agent_sessions').execute();
}
