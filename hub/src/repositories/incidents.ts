import type { Kysely, Selectable, Updateable } from 'kysely';
import { type ClientScope, scopeCondition } from '../db/client-scope.js';
import type { Database } from '../db/database.js';
import type { IncidentsTable } from '../db/tables/incidents.js';

export type IncidentRow = Selectable<IncidentsTable>;
export type IncidentChanges = Updateable<IncidentsTable>;

/** The open incident of a dedup key (the unique `open_key` index makes it at most one). */
export async function findOpenIncident(db: Kysely<Database>, key: string): Promise<IncidentRow | undefined> {
  return db.selectFrom('incidents').selectAll().where('open_key', '=', key).executeTakeFirst();
}

/** The newest incident of a key that is no longer open (resolved or closed). */
export async function findLastClosedIncident(
  db: Kysely<Database>,
  key: string,
): Promise<IncidentRow | undefined> {
  return db
    .selectFrom('incidents')
    .selectAll()
    .where('dedup_key', '=', key)
    .where('open_key', 'is', null)
    .orderBy('opened_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** One incident; with a scope, an incident of another client is not found (the API answers 404). */
export async function findIncident(
  db: Kysely<Database>,
  id: string,
  scope?: ClientScope,
): Promise<IncidentRow | undefined> {
  let query = db.selectFrom('incidents').selectAll().where('id', '=', id);
  const condition = scopeCondition(scope, 'incidents.client');
  if (condition) query = query.where(condition);
  return query.executeTakeFirst();
}

/**
 * Insert an incident unless one is already open for its key. The database decides (unique index
 * on `open_key`), so two hub instances racing on one key still make one ticket. True if inserted.
 */
export async function insertIncidentIfNoneOpen(db: Kysely<Database>, row: IncidentRow): Promise<boolean> {
  const result = await db
    .insertInto('incidents')
    .values(row)
    .onConflict((oc) => oc.column('open_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * Apply changes if the incident is still in the state the decision was made on; false when it
 * moved meanwhile (a sweep running twice, a technician acting at the same time).
 */
export async function updateIncident(
  db: Kysely<Database>,
  id: string,
  changes: IncidentChanges,
  expect?: { state?: IncidentRow['state']; updatedAt?: number },
): Promise<boolean> {
  let query = db.updateTable('incidents').set(changes).where('id', '=', id);
  if (expect?.state !== undefined) query = query.where('state', '=', expect.state);
  if (expect?.updatedAt !== undefined) query = query.where('updated_at', '=', expect.updatedAt);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Open incidents of a client's site, a whole client (`site` ''), or every client (`client` ''). */
export async function listOpenInScope(
  db: Kysely<Database>,
  scope: { client: string; site: string },
): Promise<IncidentRow[]> {
  return db
    .selectFrom('incidents')
    .selectAll()
    .where('open_key', 'is not', null)
    .$if(scope.client !== '', (qb) => qb.where('client', '=', scope.client))
    .$if(scope.client !== '' && scope.site !== '', (qb) => qb.where('site', '=', scope.site))
    .orderBy('opened_at')
    .execute();
}

/** Open incidents of a host, for grouping and inhibition. */
export async function listOpenOnHost(db: Kysely<Database>, hostId: string): Promise<IncidentRow[]> {
  return db
    .selectFrom('incidents')
    .selectAll()
    .where('host_id', '=', hostId)
    .where('open_key', 'is not', null)
    .execute();
}

/** Open incidents of one check (e.g. every open `host.silent`). */
export async function listOpenByCheck(db: Kysely<Database>, check: string): Promise<IncidentRow[]> {
  return db
    .selectFrom('incidents')
    .selectAll()
    .where('check', '=', check)
    .where('open_key', 'is not', null)
    .execute();
}

/** Children of a parent incident. */
export async function listChildren(db: Kysely<Database>, parentId: string): Promise<IncidentRow[]> {
  return db.selectFrom('incidents').selectAll().where('parent_id', '=', parentId).execute();
}

/** How many incidents of a client's check opened since a time (storm detection). */
export async function countCheckOpenedSince(
  db: Kysely<Database>,
  filter: { client: string; check: string; since: number },
): Promise<number> {
  const row = await db
    .selectFrom('incidents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('client', '=', filter.client)
    .where('check', '=', filter.check)
    .where('opened_at', '>=', filter.since)
    .where('group_kind', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Incidents of one key opened since a time, oldest first (problem detection). */
export async function listKeyOpenedSince(
  db: Kysely<Database>,
  key: string,
  since: number,
): Promise<IncidentRow[]> {
  return db
    .selectFrom('incidents')
    .selectAll()
    .where('dedup_key', '=', key)
    .where('opened_at', '>=', since)
    .orderBy('opened_at')
    .execute();
}

/**
 * Incidents a timer may act on at `now`: recovering past the quiet period, open with no
 * occurrence since the staleness cutoff, resolved past the close grace. The cutoffs are
 * parameters, so the SQL does not depend on either database's clock functions.
 */
export async function listTickCandidates(
  db: Kysely<Database>,
  cutoffs: { recoveredBefore: number; lastOccurrenceBefore: number; resolvedBefore: number },
  limit = 500,
): Promise<IncidentRow[]> {
  return db
    .selectFrom('incidents')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('open_key', 'is not', null), eb('recovered_at', '<=', cutoffs.recoveredBefore)]),
        eb.and([
          eb('open_key', 'is not', null),
          eb('recovered_at', 'is', null),
          eb('last_occurrence_at', '<=', cutoffs.lastOccurrenceBefore),
        ]),
        eb.and([eb('state', '=', 'resolved'), eb('resolved_at', '<=', cutoffs.resolvedBefore)]),
      ]),
    )
    .orderBy('updated_at')
    .limit(limit)
    .execute();
}

/** Filters of the technicians' incident list. */
export interface IncidentFilter {
  level?: string | undefined;
  priority?: number | undefined;
  state?: string | undefined;
  hostId?: string | undefined;
  client?: string | undefined;
  /** Only open incidents (the default queue view). */
  open?: boolean | undefined;
  /** Only open incidents whose fault cleared, waiting out their quiet period. */
  recovering?: boolean | undefined;
  /** The clients the caller may see (absent: every client). */
  scope?: ClientScope | undefined;
  /**
   * Leave out children folded under their parent (0026): a child whose parent is open, or a
   * child no longer open whose parent is not either (the parent's row stands for both). A child
   * still open under a parent that is not is a row of its own.
   */
  folded?: boolean | undefined;
  /** Only the children of this parent. */
  parentId?: string | undefined;
  limit: number;
}

/** Incidents for the queues: highest priority first, then oldest first. */
export async function listIncidents(db: Kysely<Database>, filter: IncidentFilter): Promise<IncidentRow[]> {
  let query = db
    .selectFrom('incidents')
    .selectAll()
    .orderBy('priority', 'desc')
    .orderBy('opened_at')
    .limit(filter.limit);
  if (filter.level !== undefined) query = query.where('level', '=', filter.level as IncidentRow['level']);
  if (filter.priority !== undefined)
    query = query.where('priority', '=', filter.priority as IncidentRow['priority']);
  if (filter.state !== undefined) query = query.where('state', '=', filter.state as IncidentRow['state']);
  if (filter.hostId !== undefined) query = query.where('host_id', '=', filter.hostId);
  if (filter.client !== undefined) query = query.where('client', '=', filter.client);
  if (filter.open === true) query = query.where('open_key', 'is not', null);
  if (filter.recovering === true)
    query = query.where('open_key', 'is not', null).where('recovered_at', 'is not', null);
  if (filter.parentId !== undefined) query = query.where('parent_id', '=', filter.parentId);
  if (filter.folded === true)
    query = query.where(({ eb, not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('incidents as parent')
            .select('parent.id')
            .whereRef('parent.id', '=', 'incidents.parent_id')
            .where((p) => p.or([p('parent.open_key', 'is not', null), eb('incidents.open_key', 'is', null)])),
        ),
      ),
    );
  const condition = scopeCondition(filter.scope, 'incidents.client');
  if (condition) query = query.where(condition);
  return query.execute();
}

/**
 * Open, running incidents with an SLA instant passed and not yet acted on: a 75 % warning or a
 * due time, of the time to own (while nobody owns the incident) or of the time to resolve.
 * Children are left out: they ride on their parent's clocks (raised to their grade) and page nobody.
 */
export async function listSlaCandidates(
  db: Kysely<Database>,
  now: number,
  limit = 500,
): Promise<IncidentRow[]> {
  return db
    .selectFrom('incidents')
    .selectAll()
    .where('open_key', 'is not', null)
    .where('parent_id', 'is', null)
    .where('sla_paused_since', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([
          eb('acknowledged_at', 'is', null),
          eb('assignee', 'is', null),
          eb('state', '=', 'new'),
          eb.or([
            eb.and([eb('sla_warned_at', 'is', null), eb('sla_own_warn_at', '<=', now)]),
            eb.and([eb('sla_own_breached_at', 'is', null), eb('sla_own_due_at', '<=', now)]),
          ]),
        ]),
        eb.and([eb('sla_resolve_warned_at', 'is', null), eb('sla_resolve_warn_at', '<=', now)]),
        eb.and([eb('sla_resolve_breached_at', 'is', null), eb('sla_resolve_due_at', '<=', now)]),
      ]),
    )
    .orderBy('opened_at')
    .limit(limit)
    .execute();
}

/**
 * The open, not recovering `probe.down` incident of the device in front of a host (`hosts.behind`),
 * if any: while the firewall is down, what lies behind it cannot tell its own faults from the
 * firewall's, so the engine holds them as inhibited by that incident.
 */
export async function findUpstreamDownIncident(db: Kysely<Database>, hostId: string): Promise<string | null> {
  const row = await db
    .selectFrom('hosts as h')
    .innerJoin('incidents as i', 'i.host_id', 'h.behind')
    .select('i.id')
    .where('h.id', '=', hostId)
    .where('i.check', '=', 'probe.down')
    .where('i.open_key', 'is not', null)
    .where('i.recovered_at', 'is', null)
    .orderBy('i.opened_at')
    .executeTakeFirst();
  return row?.id ?? null;
}
