import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';

// Frozen in time (see the foundation migration): Kysely<any>, portable column types.

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`;

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function up(db: Kysely<any>): Promise<void> {
  // Clients (companies served) and their sites. The name is the key the rest of the schema already
  // carries as text (hosts.client, incidents.client, dedup keys), so it is stored verbatim and
  // never renamed; the id is what policies, tokens and technicians' scopes refer to.
  await db.schema
    .createTable('clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();
  await db.schema
    .createTable('sites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addUniqueConstraint('sites_client_name', ['client_id', 'name'])
    .execute();

  // Tokens keep their text columns (what hosts receive); the ids say which entities they name.
  await db.schema.alterTable('enrolment_tokens').addColumn('client_id', 'text').execute();
  await db.schema.alterTable('enrolment_tokens').addColumn('site_id', 'text').execute();

  // A technician limited to some clients: client_scoped = 1 and one row per client allowed.
  // The flag, not the rows, says "scoped", so removing a user's last client shows them nothing.
  await db.schema
    .alterTable('users')
    .addColumn('client_scoped', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('user_clients')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('user_clients_pk', ['user_id', 'client_id'])
    .execute();

  // One row per policy layer: scope global (target ''), client, site, role or host. A cleared layer
  // stays as '{}' so the highest revision never goes back (agents ignore an older pushed policy).
  await db.schema
    .createTable('policy_layers')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addPrimaryKeyConstraint('policy_layers_pk', ['scope', 'target'])
    .execute();

  // Backfill: every client and client/site pair already named by a host or a token.
  const now = Date.now();
  const pairs = new Map<string, Set<string>>();
  for (const table of ['hosts', 'enrolment_tokens']) {
    const rows: Array<{ client: string; site: string }> = await db
      .selectFrom(table)
      .select(['client', 'site'])
      .distinct()
      .execute();
    for (const { client, site } of rows) pairs.set(client, (pairs.get(client) ?? new Set()).add(site));
  }
  for (const [client, sites] of pairs) {
    const clientId = newId('cli');
    await db
      .insertInto('clients')
      .values({ id: clientId, name: client, note: '', created_at: now, created_by: null })
      .execute();
    for (const site of sites) {
      await db
        .insertInto('sites')
        .values({
          id: newId('sit'),
          client_id: clientId,
          name: site,
          note: '',
          created_at: now,
          created_by: null,
        })
        .execute();
    }
  }
  await db
    .updateTable('enrolment_tokens')
    .set((eb) => ({
      client_id: eb
        .selectFrom('clients')
        .select('clients.id')
        .whereRef('clients.name', '=', 'enrolment_tokens.client'),
    }))
    .execute();
  await db
    .updateTable('enrolment_tokens')
    .set((eb) => ({
      site_id: eb
        .selectFrom('sites')
        .innerJoin('clients', 'clients.id', 'sites.client_id')
        .select('sites.id')
        .whereRef('clients.name', '=', 'enrolment_tokens.client')
        .whereRef('sites.name', '=', 'enrolment_tokens.site'),
    }))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the app's current types
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('policy_layers').execute();
  await db.schema.dropTable('user_clients').execute();
  await db.schema.alterTable('users').dropColumn('client_scoped').execute();
  await db.schema.alterTable('enrolment_tokens').dropColumn('site_id').execute();
  await db.schema.alterTable('enrolment_tokens').dropColumn('client_id').execute();
  await db.schema.dropTable('sites').execute();
  await db.schema.dropTable('clients').execute();
}
