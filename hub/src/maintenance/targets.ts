import type { Kysely } from 'kysely';
import { type ClientScope, scopeCondition } from '../db/client-scope.js';
import type { Database } from '../db/database.js';

/** What a maintenance window can target, by name, for the console's picker. */
export interface TargetChoices {
  readonly hosts: readonly { id: string; hostname: string; client: string; site: string }[];
  /** `client/site`, as the `site` scope writes it. */
  readonly sites: readonly string[];
  readonly clients: readonly string[];
  readonly tags: readonly string[];
}

/** Every host, site, client and tag the user may target (hosts by name, never by internal id). */
export async function maintenanceTargetChoices(
  db: Kysely<Database>,
  scope: ClientScope | undefined,
): Promise<TargetChoices> {
  let query = db.selectFrom('hosts').select(['id', 'hostname', 'client', 'site', 'tags']).orderBy('hostname');
  const scoped = scopeCondition(scope, 'hosts.client');
  if (scoped) query = query.where(scoped);
  const rows = await query.execute();
  const tags = new Set<string>();
  for (const row of rows) for (const tag of JSON.parse(row.tags) as string[]) tags.add(tag);
  return {
    hosts: rows.map(({ id, hostname, client, site }) => ({ id, hostname, client, site })),
    sites: [...new Set(rows.map((r) => `${r.client}/${r.site}`))].sort(),
    clients: [...new Set(rows.map((r) => r.client))].sort(),
    tags: [...tags].sort(),
  };
}

/**
 * The host a `host`-scope target names: its id, or a hostname only one host carries (a person
 * picks a name; the window keeps the id, so a rename does not move it). Undefined otherwise.
 */
export async function resolveHostTarget(db: Kysely<Database>, target: string): Promise<string | undefined> {
  const byId = await db.selectFrom('hosts').select('id').where('id', '=', target).executeTakeFirst();
  if (byId) return byId.id;
  const byName = await db.selectFrom('hosts').select('id').where('hostname', '=', target).limit(2).execute();
  return byName.length === 1 ? byName[0]?.id : undefined;
}

/** Host ids of `host`-scope windows → hostnames, so a list shows names rather than `hst_…` ids. */
export async function hostTargetNames(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('hosts')
    .select(['id', 'hostname'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.hostname]));
}
