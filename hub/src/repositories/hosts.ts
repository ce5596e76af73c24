import type { OsInfo } from '@vigie/shared';
import { type Insertable, type Kysely, type Selectable, type SqlBool, sql, type Updateable } from 'kysely';
import { type ClientScope, scopeCondition } from '../db/client-scope.js';
import type { Database } from '../db/database.js';
import type { HostsTable } from '../db/tables/hosts.js';

export type HostRow = Selectable<HostsTable>;

/** The health columns of a host that has sent no sample yet (a new host, a device). */
export const NO_HEALTH_YET = {
  last_sample_at: null,
  cpu_pct: null,
  mem_pct: null,
  swap_pct: null,
  disk_max_pct: null,
  load1: null,
} as const satisfies Partial<Insertable<HostsTable>>;

export async function insertHost(db: Kysely<Database>, host: Insertable<HostsTable>): Promise<void> {
  await db.insertInto('hosts').values(host).execute();
}

/** One host; with a scope, a host of another client is not found (the API answers 404). */
export async function findHost(
  db: Kysely<Database>,
  id: string,
  scope?: ClientScope,
): Promise<HostRow | undefined> {
  let query = db.selectFrom('hosts').selectAll().where('id', '=', id);
  const condition = scopeCondition(scope, 'hosts.client');
  if (condition) query = query.where(condition);
  return query.executeTakeFirst();
}

export interface HostFilter {
  client?: string | undefined;
  site?: string | undefined;
  /** Substring of the hostname, case-insensitive. */
  search?: string | undefined;
  /** Role (server / workstation). */
  role?: HostsTable['role'] | undefined;
  /** The clients the caller may see (absent: every client). */
  scope?: ClientScope | undefined;
}

/** Where a page of hosts starts: after this host in (hostname, id) order. */
export interface HostCursor {
  readonly hostname: string;
  readonly id: string;
}

/** One page of hosts by (hostname, id), the number matching the filter, and where the next starts. */
export interface HostPage {
  readonly rows: HostRow[];
  readonly total: number;
  readonly next: HostCursor | null;
}

/**
 * Hosts with their latest health, sorted by hostname, a page at a time: a keyset on the
 * (hostname, id) index, so the 100th page costs what the first does with 10 000 hosts. Asks one
 * row more than `limit` to know whether a next page exists.
 */
export async function listHostPage(
  db: Kysely<Database>,
  filter: HostFilter & { after?: HostCursor | undefined; limit: number },
): Promise<HostPage> {
  let query = db.selectFrom('hosts');
  if (filter.client !== undefined) query = query.where('client', '=', filter.client);
  if (filter.site !== undefined) query = query.where('site', '=', filter.site);
  if (filter.role !== undefined) query = query.where('role', '=', filter.role);
  const condition = scopeCondition(filter.scope, 'hosts.client');
  if (condition) query = query.where(condition);
  if (filter.search !== undefined) {
    const escaped = filter.search.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`);
    // ESCAPE is spelled out: SQLite has no default LIKE escape character (PostgreSQL's is a backslash).
    query = query.where(sql<boolean>`lower(hostname) like ${`%${escaped}%`} escape '\\'`);
  }
  const counted = await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  const after = filter.after;
  const rows = await (after === undefined
    ? query
    : query.where((eb) =>
        eb.or([
          eb('hostname', '>', after.hostname),
          eb.and([eb('hostname', '=', after.hostname), eb('id', '>', after.id)]),
        ]),
      )
  )
    .selectAll()
    .orderBy('hostname')
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    rows: page,
    total: Number(counted?.n ?? 0),
    next: rows.length > filter.limit && last ? { hostname: last.hostname, id: last.id } : null,
  };
}

/** What a hello tells us about the host; the agent's word, refreshed at every connection. */
export async function recordHello(
  db: Kysely<Database>,
  hostId: string,
  hello: { hostname: string; os: OsInfo; agentVersion: string; now: number },
): Promise<void> {
  await db
    .updateTable('hosts')
    .set({
      hostname: hello.hostname,
      os_platform: hello.os.platform,
      os_distro: hello.os.distro,
      os_release: hello.os.release,
      os_kernel: hello.os.kernel,
      os_arch: hello.os.arch,
      agent_version: hello.agentVersion,
      last_seen_at: hello.now,
      connected: 1,
    })
    .where('id', '=', hostId)
    .execute();
}

/** The host's socket closed; `lastHeardAt` is its last frame (silence counts from it, not the close). */
export async function markDisconnected(
  db: Kysely<Database>,
  hostId: string,
  lastHeardAt: number,
): Promise<void> {
  await db
    .updateTable('hosts')
    .set((eb) => ({
      connected: 0,
      // Never back: a metrics commit may have written a later time than the frame's arrival.
      last_seen_at: eb
        .case()
        .when(eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', lastHeardAt)]))
        .then(lastHeardAt)
        .else(eb.ref('last_seen_at'))
        .end(),
    }))
    .where('id', '=', hostId)
    .execute();
}

/** On start no agent is connected to this hub yet, whatever the last run left behind. */
export async function markAllDisconnected(db: Kysely<Database>): Promise<void> {
  await db.updateTable('hosts').set({ connected: 0 }).where('connected', '=', 1).execute();
}

export type HostHealth = Pick<
  Updateable<HostsTable>,
  'last_sample_at' | 'cpu_pct' | 'mem_pct' | 'swap_pct' | 'disk_max_pct' | 'load1'
>;

/** What a metrics report tells about its host besides the health figures. */
export interface ReportFacts {
  /** The host's clock minus the hub's (ms); undefined when the report had no valid sample. */
  readonly clockOffsetMs: number | undefined;
  readonly refusedSamples: number;
}

export const NO_REPORT_FACTS: ReportFacts = { clockOffsetMs: undefined, refusedSamples: 0 };

/**
 * Record a metrics report: the host is heard now, its clock offset and refused samples are kept,
 * and `health` becomes its latest when it arrived after the current latest and is not older than
 * it, the current latest's timestamp counting at most up to its own arrival: a sample stamped
 * ahead of the hub pins nothing, and an older backlog arriving late does not overwrite newer health.
 */
export async function recordHostReport(
  db: Kysely<Database>,
  hostId: string,
  now: number,
  facts: ReportFacts,
  health: (HostHealth & { last_sample_at: number }) | undefined,
): Promise<void> {
  await db
    .updateTable('hosts')
    .set((eb) => ({
      last_seen_at: now,
      refused_samples: eb('refused_samples', '+', facts.refusedSamples),
      ...(facts.clockOffsetMs !== undefined && {
        clock_offset_ms: facts.clockOffsetMs,
        clock_offset_at: now,
      }),
    }))
    .where('id', '=', hostId)
    .execute();
  if (!health) return;
  await db
    .updateTable('hosts')
    .set({ ...health, last_sample_received_at: now })
    .where('id', '=', hostId)
    // Same guard as the SQLite hot path's `hostHealth` statement (ingest/sqlite-metrics-store.ts).
    .where(
      sql<SqlBool>`last_sample_received_at is null or (${now} >= last_sample_received_at and
        ${health.last_sample_at} >= case when last_sample_at < last_sample_received_at
        then last_sample_at else last_sample_received_at end)`,
    )
    .execute();
}

/** What an admin may change on a host; identity and health stay the agent's. */
export type HostAdminChanges = Partial<Pick<Updateable<HostsTable>, 'role' | 'client' | 'site'>> & {
  tags?: readonly string[];
};

/** Apply an admin's changes; false when the host does not exist. */
export async function updateHostAdmin(
  db: Kysely<Database>,
  hostId: string,
  changes: HostAdminChanges,
): Promise<boolean> {
  const { tags, ...columns } = changes;
  const set = { ...columns, ...(tags === undefined ? {} : { tags: JSON.stringify(tags) }) };
  if (Object.keys(set).length === 0) return (await findHost(db, hostId)) !== undefined;
  const result = await db.updateTable('hosts').set(set).where('id', '=', hostId).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The hosts an admin placed behind a device (`hosts.behind`), by id. */
export async function listHostsBehind(db: Kysely<Database>, deviceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('hosts')
    .select('id')
    .where('behind', '=', deviceId)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}
