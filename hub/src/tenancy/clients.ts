import type { Kysely, Selectable } from 'kysely';
import { type ClientScope, scopeCondition } from '../db/client-scope.js';
import type { Database } from '../db/database.js';
import type { ClientsTable, SitesTable } from '../db/tables/clients.js';
import { generateId, type RandomBytes } from '../security/secrets.js';

export type ClientRow = Selectable<ClientsTable>;
export type SiteRow = Selectable<SitesTable>;

/** Clients by name, those of the scope only when one is given. */
export async function listClients(db: Kysely<Database>, scope?: ClientScope): Promise<ClientRow[]> {
  let query = db.selectFrom('clients').selectAll().orderBy('name');
  const condition = scopeCondition(scope, 'clients.name');
  if (condition) query = query.where(condition);
  return query.execute();
}

export async function findClient(db: Kysely<Database>, id: string): Promise<ClientRow | undefined> {
  return db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findClientByName(db: Kysely<Database>, name: string): Promise<ClientRow | undefined> {
  return db.selectFrom('clients').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function listSites(db: Kysely<Database>, clientId?: string): Promise<SiteRow[]> {
  let query = db.selectFrom('sites').selectAll().orderBy('name').orderBy('id');
  if (clientId !== undefined) query = query.where('client_id', '=', clientId);
  return query.execute();
}

export async function findSite(db: Kysely<Database>, id: string): Promise<SiteRow | undefined> {
  return db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findSiteByName(
  db: Kysely<Database>,
  clientId: string,
  name: string,
): Promise<SiteRow | undefined> {
  return db
    .selectFrom('sites')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('name', '=', name)
    .executeTakeFirst();
}

export interface NewEntity {
  readonly name: string;
  readonly note: string;
  readonly createdBy: string | null;
  readonly now: number;
}

/** Insert a client; false when the name is taken (the unique index decides, not a prior read). */
export async function insertClient(db: Kysely<Database>, id: string, input: NewEntity): Promise<boolean> {
  const result = await db
    .insertInto('clients')
    .values({ id, name: input.name, note: input.note, created_at: input.now, created_by: input.createdBy })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Insert a site of a client; false when the client already has a site of that name. */
export async function insertSite(
  db: Kysely<Database>,
  id: string,
  clientId: string,
  input: NewEntity,
): Promise<boolean> {
  const result = await db
    .insertInto('sites')
    .values({
      id,
      client_id: clientId,
      name: input.name,
      note: input.note,
      created_at: input.now,
      created_by: input.createdBy,
    })
    .onConflict((oc) => oc.columns(['client_id', 'name']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateClientNote(db: Kysely<Database>, id: string, note: string): Promise<boolean> {
  const result = await db.updateTable('clients').set({ note }).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function updateSiteNote(db: Kysely<Database>, id: string, note: string): Promise<boolean> {
  const result = await db.updateTable('sites').set({ note }).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Hosts and live enrolment tokens naming a client (or one of its sites): what a delete would orphan. */
export async function countClientUses(
  db: Kysely<Database>,
  client: string,
  site?: string,
): Promise<{ hosts: number; tokens: number }> {
  let hosts = db
    .selectFrom('hosts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('client', '=', client);
  let tokens = db
    .selectFrom('enrolment_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('client', '=', client)
    .where('revoked_at', 'is', null);
  if (site !== undefined) {
    hosts = hosts.where('site', '=', site);
    tokens = tokens.where('site', '=', site);
  }
  const [h, t] = [await hosts.executeTakeFirstOrThrow(), await tokens.executeTakeFirstOrThrow()];
  return { hosts: Number(h.n), tokens: Number(t.n) };
}

/**
 * Delete a client, its sites and the scopes naming it. Its policy layers are emptied, not deleted:
 * the highest layer revision must never go back (see policies/layers.ts).
 */
export async function deleteClient(db: Kysely<Database>, id: string): Promise<void> {
  await clearLayer(db, 'client', id);
  const sites = await listSites(db, id);
  for (const site of sites) await deleteSite(db, site.id);
  await db.deleteFrom('user_clients').where('client_id', '=', id).execute();
  await db.deleteFrom('clients').where('id', '=', id).execute();
}

export async function deleteSite(db: Kysely<Database>, id: string): Promise<void> {
  await clearLayer(db, 'site', id);
  await db.deleteFrom('sites').where('id', '=', id).execute();
}

async function clearLayer(db: Kysely<Database>, scope: 'client' | 'site', target: string): Promise<void> {
  await db
    .updateTable('policy_layers')
    .set({ settings: '{}' })
    .where('scope', '=', scope)
    .where('target', '=', target)
    .execute();
}

/**
 * The client and site entities for names given as text (a token or a host edit naming them),
 * created when missing, so the free-text columns and the entities never disagree.
 */
export async function ensureClientSite(
  db: Kysely<Database>,
  names: { client: string; site: string },
  context: { now: number; random: RandomBytes; by: string | null },
): Promise<{ client: ClientRow; site: SiteRow }> {
  const entity = { note: '', createdBy: context.by, now: context.now };
  await insertClient(db, generateId('cli', context.random), { ...entity, name: names.client });
  const client = await findClientByName(db, names.client);
  if (!client) throw new Error(`client ${names.client} vanished`);
  await insertSite(db, generateId('sit', context.random), client.id, { ...entity, name: names.site });
  const site = await findSiteByName(db, client.id, names.site);
  if (!site) throw new Error(`site ${names.site} vanished`);
  return { client, site };
}

/** A user's client scope: null makes the user unscoped; a list (maybe empty) limits them to it. */
export async function setUserClients(
  db: Kysely<Database>,
  userId: string,
  clientIds: readonly string[] | null,
): Promise<void> {
  await db.deleteFrom('user_clients').where('user_id', '=', userId).execute();
  await db
    .updateTable('users')
    .set({ client_scoped: clientIds === null ? 0 : 1 })
    .where('id', '=', userId)
    .execute();
  if (clientIds === null || clientIds.length === 0) return;
  await db
    .insertInto('user_clients')
    .values([...new Set(clientIds)].map((clientId) => ({ user_id: userId, client_id: clientId })))
    .execute();
}

/** The user's client scope as stored: null when unscoped, else the client ids. */
export async function findUserClients(
  db: Kysely<Database>,
  userId: string,
): Promise<{ found: false } | { found: true; clientIds: string[] | null }> {
  const user = await db
    .selectFrom('users')
    .select('client_scoped')
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) return { found: false };
  if (Number(user.client_scoped) !== 1) return { found: true, clientIds: null };
  const rows = await db
    .selectFrom('user_clients')
    .select('client_id')
    .where('user_id', '=', userId)
    .execute();
  return { found: true, clientIds: rows.map((r) => r.client_id).sort() };
}

/**
 * The client and site names that entity ids stand for, to filter rows that carry names; undefined
 * when an id names nothing (so the filter matches nothing). Names given directly pass through.
 */
export async function namesForIds(
  db: Kysely<Database>,
  filter: {
    client?: string | undefined;
    site?: string | undefined;
    clientId?: string | undefined;
    siteId?: string | undefined;
  },
): Promise<{ client?: string | undefined; site?: string | undefined } | undefined> {
  let { client, site } = filter;
  if (filter.siteId !== undefined) {
    const row = await findSite(db, filter.siteId);
    const owner = row && (await findClient(db, row.client_id));
    if (!row || !owner || (filter.clientId !== undefined && owner.id !== filter.clientId)) return undefined;
    client = owner.name;
    site = row.name;
  } else if (filter.clientId !== undefined) {
    const row = await findClient(db, filter.clientId);
    if (!row) return undefined;
    client = row.name;
  }
  return { client, site };
}
