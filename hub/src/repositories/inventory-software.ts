import type { Software } from '@vigie/shared';
import { type Kysely, type Selectable, sql } from 'kysely';
import { type ClientScope, scopeCondition } from '../db/client-scope.js';
import type { Database } from '../db/database.js';
import { equalsIgnoringCase, likeIgnoringCase } from '../db/dialect.js';
import type { InventorySoftwareTable } from '../db/tables/inventory-history.js';

export type InventorySoftwareRow = Selectable<InventorySoftwareTable>;

// 6 bound values per row; 500 rows stays far under SQLite's variable limit.
const BATCH = 500;

/** Replace a host's software rows with its current snapshot's list. */
export async function replaceHostSoftware(
  db: Kysely<Database>,
  hostId: string,
  software: readonly Software[],
): Promise<void> {
  await db.deleteFrom('inventory_software').where('host_id', '=', hostId).execute();
  for (let i = 0; i < software.length; i += BATCH) {
    await db
      .insertInto('inventory_software')
      .values(
        software.slice(i, i + BATCH).map((s) => ({
          host_id: hostId,
          name: s.name,
          version: s.version,
          publisher: s.publisher ?? null,
          source: s.source,
          installed_at: s.installedAt ?? null,
        })),
      )
      .execute();
  }
}

/** How to pick software across the fleet. */
export interface SoftwareFilter {
  /** Exact name, case-insensitive. */
  readonly name?: string | undefined;
  /** Part of the name, case-insensitive. */
  readonly contains?: string | undefined;
  readonly version?: string | undefined;
  readonly client?: string | undefined;
  /** The clients the caller may see (absent: every client). */
  readonly scope?: ClientScope | undefined;
  readonly limit: number;
  readonly offset?: number | undefined;
}

/** One installation with its host. */
export interface FleetSoftwareRow extends InventorySoftwareRow {
  hostname: string;
  client: string;
  site: string;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Installations matching the filter, with their host, ordered by name, host and version. */
export async function searchSoftware(
  db: Kysely<Database>,
  filter: SoftwareFilter,
): Promise<FleetSoftwareRow[]> {
  let query = db
    .selectFrom('inventory_software as s')
    .innerJoin('hosts as h', 'h.id', 's.host_id')
    .select([
      's.host_id',
      's.name',
      's.version',
      's.publisher',
      's.source',
      's.installed_at',
      'h.hostname',
      'h.client',
      'h.site',
    ]);
  if (filter.name !== undefined) query = query.where(equalsIgnoringCase(db, sql.ref('s.name'), filter.name));
  if (filter.contains !== undefined)
    query = query.where(likeIgnoringCase(db, sql.ref('s.name'), `%${escapeLike(filter.contains)}%`));
  if (filter.version !== undefined) query = query.where('s.version', '=', filter.version);
  if (filter.client !== undefined) query = query.where('h.client', '=', filter.client);
  const condition = scopeCondition(filter.scope, 'h.client');
  if (condition) query = query.where(condition);
  return query
    .orderBy('s.name')
    .orderBy('h.hostname')
    .orderBy('s.version')
    .limit(filter.limit)
    .offset(filter.offset ?? 0)
    .execute();
}

/** OS versions in the fleet (or one client) and how many hosts run each, most common first. */
export async function countOsVersions(db: Kysely<Database>, client: string | undefined, scope?: ClientScope) {
  let query = db
    .selectFrom('hosts')
    .select(['os_platform', 'os_distro', 'os_release', (eb) => eb.fn.countAll<number>().as('hosts')])
    .groupBy(['os_platform', 'os_distro', 'os_release']);
  if (client !== undefined) query = query.where('client', '=', client);
  const condition = scopeCondition(scope, 'hosts.client');
  if (condition) query = query.where(condition);
  return query.orderBy('hosts', 'desc').orderBy('os_distro').orderBy('os_release').execute();
}

/** A `*` glob (case-insensitive) as a LIKE pattern, other LIKE wildcards taken literally. */
export function globToLike(glob: string): string {
  return glob.split('*').map(escapeLike).join('%');
}

/**
 * Hosts (of one client, or all) with software matching a licence's name and publisher globs, and
 * how many matching installations each has.
 */
export async function hostsMatching(
  db: Kysely<Database>,
  match: { namePattern: string; publisherPattern: string | null; client: string | null },
): Promise<{ host_id: string; hostname: string; installations: number }[]> {
  let query = db
    .selectFrom('inventory_software as s')
    .innerJoin('hosts as h', 'h.id', 's.host_id')
    .select(['s.host_id', 'h.hostname', (eb) => eb.fn.countAll<number | string>().as('installations')])
    .groupBy(['s.host_id', 'h.hostname'])
    .where(likeIgnoringCase(db, sql.ref('s.name'), globToLike(match.namePattern)));
  if (match.publisherPattern !== null)
    query = query.where(
      likeIgnoringCase(db, sql`coalesce(s.publisher, '')`, globToLike(match.publisherPattern)),
    );
  if (match.client !== null) query = query.where('h.client', '=', match.client);
  const rows = await query.orderBy('h.hostname').execute();
  // PostgreSQL counts as bigint, which its driver returns as text.
  return rows.map((r) => ({ ...r, installations: Number(r.installations) }));
}
