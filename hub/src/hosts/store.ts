import type { Kysely } from 'kysely';
import { type ClientScope, scopeCondition } from '../db/client-scope.js';
import type { Database } from '../db/database.js';
import { containsIgnoringCase } from '../db/like.js';
import type { HostRow } from '../repositories/hosts.js';

export type FleetRow = HostRow & { openIncidents: number };

/**
 * One page of the fleet by hostname, with each host's open incident count. Two indexed queries
 * (hosts by name; open incidents of those ids) so a page costs the same with 10 000 hosts.
 * Asks one row more than `limit` to know whether a next page exists.
 */
export async function listFleetPage(
  db: Kysely<Database>,
  filter: { search?: string | undefined; scope?: ClientScope | undefined; offset: number; limit: number },
): Promise<{ rows: FleetRow[]; more: boolean }> {
  let query = db
    .selectFrom('hosts')
    .selectAll()
    .orderBy('hostname')
    .orderBy('id')
    .limit(filter.limit + 1)
    .offset(filter.offset);
  const scoped = scopeCondition(filter.scope, 'hosts.client');
  if (scoped) query = query.where(scoped);
  if (filter.search !== undefined) query = query.where(containsIgnoringCase('hostname', filter.search));
  const hosts = await query.execute();
  const more = hosts.length > filter.limit;
  const page = hosts.slice(0, filter.limit);
  const counts = new Map<string, number>();
  if (page.length > 0) {
    const rows = await db
      .selectFrom('incidents')
      .select(['host_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where(
        'host_id',
        'in',
        page.map((h) => h.id),
      )
      .where('open_key', 'is not', null)
      .groupBy('host_id')
      .execute();
    for (const row of rows) if (row.host_id !== null) counts.set(row.host_id, Number(row.n));
  }
  return { rows: page.map((h) => ({ ...h, openIncidents: counts.get(h.id) ?? 0 })), more };
}

/** A host's incidents, newest first (the host page's history). */
export async function listHostIncidents(db: Kysely<Database>, hostId: string, limit: number) {
  return db
    .selectFrom('incidents')
    .select([
      'id',
      'title',
      'title_code',
      'title_params',
      'state',
      'priority',
      'level',
      'opened_at',
      'resolved_at',
    ])
    .where('host_id', '=', hostId)
    .orderBy('opened_at', 'desc')
    .limit(limit)
    .execute();
}

/** The id of a host named `hostname` (any client: the caller scopes what it shows). */
export async function findHostIdByHostname(
  db: Kysely<Database>,
  hostname: string,
): Promise<string | undefined> {
  const row = await db.selectFrom('hosts').select('id').where('hostname', '=', hostname).executeTakeFirst();
  return row?.id;
}
