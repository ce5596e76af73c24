import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { type ClientScope, scopeCondition } from '../db/client-scope.js';
import type { Database } from '../db/database.js';
import { containsIgnoringCase } from '../db/like.js';
import type { HostRow } from '../repositories/hosts.js';

/** What a fleet row's state can be filtered on: up, down, with an open ticket, agent revoked. */
export const FLEET_STATES = ['up', 'down', 'incident', 'revoked'] as const;
export type FleetState = (typeof FLEET_STATES)[number];
export const FLEET_SORTS = ['hostname', 'client', 'cpu', 'mem', 'disk', 'seen', 'os'] as const;
export type FleetSort = (typeof FLEET_SORTS)[number];

export interface FleetFilter {
  readonly search?: string | undefined;
  readonly state?: FleetState | undefined;
  readonly client?: string | undefined;
  readonly site?: string | undefined;
  readonly os?: string | undefined;
  readonly role?: string | undefined;
  readonly sort: FleetSort;
  readonly desc: boolean;
  readonly scope?: ClientScope | undefined;
  readonly offset: number;
  readonly limit: number;
}

export type FleetHostRow = HostRow & { openIncidents: number; revoked: boolean };

type Eb = ExpressionBuilder<Database, 'hosts'>;

// A host is revoked when it had agents and every one of their credentials was revoked: it is
// no longer heard, and must not read as merely "offline" (issue 17).
const hasAgent = (eb: Eb) =>
  eb.exists(eb.selectFrom('agents').select('agents.id').whereRef('agents.host_id', '=', 'hosts.id'));
const hasLiveAgent = (eb: Eb) =>
  eb.exists(
    eb
      .selectFrom('agents')
      .select('agents.id')
      .whereRef('agents.host_id', '=', 'hosts.id')
      .where('agents.revoked_at', 'is', null),
  );
const isRevoked = (eb: Eb) => eb.and([hasAgent(eb), eb.not(hasLiveAgent(eb))]);
const hasOpenIncident = (eb: Eb) =>
  eb.exists(
    eb
      .selectFrom('incidents')
      .select('incidents.id')
      .whereRef('incidents.host_id', '=', 'hosts.id')
      .where('incidents.open_key', 'is not', null),
  );

const SORT_COLUMN = {
  hostname: sql`hosts.hostname`,
  client: sql`hosts.client`,
  // Hosts without a sample sort as the least loaded on both engines (NULL order differs).
  cpu: sql`coalesce(hosts.cpu_pct, -1)`,
  mem: sql`coalesce(hosts.mem_pct, -1)`,
  disk: sql`coalesce(hosts.disk_max_pct, -1)`,
  seen: sql`coalesce(hosts.last_seen_at, 0)`,
  os: sql`hosts.os_distro`,
} as const;

/**
 * One page of the fleet, filtered and sorted, with each host's open incident count and whether
 * its agent was revoked. Asks one row more than `limit` to know whether a next page exists.
 */
export async function listFleet(
  db: Kysely<Database>,
  filter: FleetFilter,
): Promise<{ rows: FleetHostRow[]; more: boolean }> {
  let query = db
    .selectFrom('hosts')
    .selectAll('hosts')
    .select((eb) => isRevoked(eb).as('is_revoked'))
    .orderBy(SORT_COLUMN[filter.sort], filter.desc ? 'desc' : 'asc')
    .orderBy('hosts.hostname')
    .orderBy('hosts.id')
    .limit(filter.limit + 1)
    .offset(filter.offset);
  const scoped = scopeCondition(filter.scope, 'hosts.client');
  if (scoped) query = query.where(scoped);
  if (filter.search !== undefined) query = query.where(containsIgnoringCase('hostname', filter.search));
  if (filter.client !== undefined) query = query.where('hosts.client', '=', filter.client);
  if (filter.site !== undefined) query = query.where('hosts.site', '=', filter.site);
  if (filter.os !== undefined) query = query.where('hosts.os_distro', '=', filter.os);
  if (filter.role !== undefined) query = query.where('hosts.role', '=', filter.role as HostRow['role']);
  if (filter.state === 'revoked') query = query.where(isRevoked);
  if (filter.state === 'up')
    query = query.where((eb) => eb.and([eb('hosts.connected', '=', 1), eb.not(isRevoked(eb))]));
  if (filter.state === 'down')
    query = query.where((eb) => eb.and([eb('hosts.connected', '=', 0), eb.not(isRevoked(eb))]));
  if (filter.state === 'incident') query = query.where(hasOpenIncident);
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
  return {
    rows: page.map(({ is_revoked, ...h }) => ({
      ...h,
      openIncidents: counts.get(h.id) ?? 0,
      revoked: Boolean(Number(is_revoked)),
    })),
    more,
  };
}

export interface ClientSummary {
  readonly client: string;
  readonly total: number;
  readonly up: number;
  readonly down: number;
  readonly revoked: number;
  readonly withIncident: number;
}

/** The fleet's counters by client: hosts up, down, revoked and with an open ticket (one grouped scan). */
export async function fleetSummary(
  db: Kysely<Database>,
  scope: ClientScope | undefined,
): Promise<ClientSummary[]> {
  const one = sql<number>`1`;
  const zero = sql<number>`0`;
  let query = db
    .selectFrom('hosts')
    .select((eb) => [
      'hosts.client',
      eb.fn.countAll<number>().as('total'),
      eb.fn.sum<number>(eb.case().when(isRevoked(eb)).then(one).else(zero).end()).as('revoked'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(eb.and([eb('hosts.connected', '=', 1), eb.not(isRevoked(eb))]))
            .then(one)
            .else(zero)
            .end(),
        )
        .as('up'),
      eb.fn.sum<number>(eb.case().when(hasOpenIncident(eb)).then(one).else(zero).end()).as('incident'),
    ])
    .groupBy('hosts.client')
    .orderBy('hosts.client');
  const scoped = scopeCondition(scope, 'hosts.client');
  if (scoped) query = query.where(scoped);
  const rows = await query.execute();
  return rows.map((r) => {
    const total = Number(r.total);
    const up = Number(r.up);
    const revoked = Number(r.revoked);
    return {
      client: r.client,
      total,
      up,
      revoked,
      down: total - up - revoked,
      withIncident: Number(r.incident),
    };
  });
}

/** The values the fleet filters offer: clients, `client/site` pairs and OS names seen. */
export async function fleetFilterValues(db: Kysely<Database>, scope: ClientScope | undefined) {
  let sites = db.selectFrom('hosts').select(['client', 'site']).distinct().orderBy('client').orderBy('site');
  let oses = db.selectFrom('hosts').select('os_distro').distinct().orderBy('os_distro');
  const scoped = scopeCondition(scope, 'hosts.client');
  if (scoped) {
    sites = sites.where(scoped);
    oses = oses.where(scoped);
  }
  const siteRows = await sites.execute();
  return {
    clients: [...new Set(siteRows.map((r) => r.client))],
    sites: [...new Set(siteRows.map((r) => r.site))].sort(),
    oses: (await oses.execute()).map((r) => r.os_distro).filter((o) => o !== ''),
  };
}

/** True when the host had agents and all their credentials were revoked. */
export async function isHostRevoked(db: Kysely<Database>, hostId: string): Promise<boolean> {
  const rows = await db.selectFrom('agents').select('revoked_at').where('host_id', '=', hostId).execute();
  return rows.length > 0 && rows.every((r) => r.revoked_at !== null);
}
