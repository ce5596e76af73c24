import type { IncidentState, Priority, SupportLevel } from '@vigie/shared';
import type { Kysely } from 'kysely';
import { type ClientScope, scopeCondition } from '../db/client-scope.js';
import type { Database } from '../db/database.js';
import { containsIgnoringCase } from '../db/like.js';
import type { IncidentRow } from '../repositories/incidents.js';

/** What a technician narrows a queue with; everything optional but the limit. */
export interface QueueFilter {
  level?: SupportLevel | undefined;
  /** "Mine": incidents assigned to this user name. */
  assignee?: string | undefined;
  client?: string | undefined;
  site?: string | undefined;
  /** Substring of the hostname, case-insensitive. */
  host?: string | undefined;
  priority?: Priority | undefined;
  /** A state, or `recovering` (open, fault cleared, waiting to resolve); without it, open incidents only. */
  state?: IncidentState | 'recovering' | undefined;
  /** Only these clients' incidents (a client-scoped technician). */
  scope?: ClientScope | undefined;
  /** Highest priority first (default), the SLA that runs out first, or the oldest first. */
  sort?: QueueSort | undefined;
  limit: number;
}

export const QUEUE_SORTS = ['priority', 'sla', 'age'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

/** A queue row: the incident, its host's name, and how many children are folded under it. */
export type QueueRow = IncidentRow & { hostname: string | null; children: number };

/** The instant the incident's running SLA clock runs out (owning first, then resolving). */
function nextDue(row: IncidentRow): number {
  const owned = row.acknowledged_at !== null || row.assignee !== null || row.state !== 'new';
  const due = owned ? row.sla_resolve_due_at : (row.sla_own_due_at ?? row.sla_resolve_due_at);
  return due === null ? Number.POSITIVE_INFINITY : Number(due);
}

/**
 * A queue with the host's name, highest priority first, then the SLA that runs out first, then
 * the oldest. Children are folded under their open parent: one row per parent, with a count (a
 * parent is at least as urgent as its children, so it stands in the right queue for them). The database
 * orders by priority and age and cuts at `limit`; the SLA tie-break is applied to that page (due
 * times are NULL-able, and NULL ordering differs between databases).
 */
export async function listQueue(db: Kysely<Database>, filter: QueueFilter): Promise<QueueRow[]> {
  let query = db
    .selectFrom('incidents')
    .leftJoin('hosts', 'hosts.id', 'incidents.host_id')
    .selectAll('incidents')
    .select('hosts.hostname as hostname')
    .select((eb) =>
      eb
        .selectFrom('incidents as child')
        .whereRef('child.parent_id', '=', 'incidents.id')
        .select((c) => c.fn.countAll<number | string>().as('n'))
        .as('children'),
    )
    // Folded only while the parent is open: a child outliving its parent stands as its own row.
    .where((eb) =>
      eb.or([
        eb('incidents.parent_id', 'is', null),
        eb.not(
          eb.exists(
            eb
              .selectFrom('incidents as parent')
              .select('parent.id')
              .whereRef('parent.id', '=', 'incidents.parent_id')
              .where('parent.open_key', 'is not', null),
          ),
        ),
      ]),
    )
    .limit(filter.limit);
  // The database cuts the page: by age when sorted by age, else by priority then age (the SLA
  // order is applied to that page below; due times are NULL-able and NULLs sort differently).
  query =
    filter.sort === 'age'
      ? query.orderBy('incidents.opened_at').orderBy('incidents.id')
      : query.orderBy('incidents.priority', 'desc').orderBy('incidents.opened_at');
  if (filter.state === undefined) query = query.where('incidents.open_key', 'is not', null);
  else if (filter.state === 'recovering')
    query = query.where('incidents.open_key', 'is not', null).where('incidents.recovered_at', 'is not', null);
  else query = query.where('incidents.state', '=', filter.state);
  const scoped = scopeCondition(filter.scope, 'incidents.client');
  if (scoped) query = query.where(scoped);
  if (filter.level !== undefined) query = query.where('incidents.level', '=', filter.level);
  if (filter.assignee !== undefined) query = query.where('incidents.assignee', '=', filter.assignee);
  if (filter.client !== undefined) query = query.where('incidents.client', '=', filter.client);
  if (filter.site !== undefined) query = query.where('incidents.site', '=', filter.site);
  if (filter.priority !== undefined) query = query.where('incidents.priority', '=', filter.priority);
  if (filter.host !== undefined) {
    query = query.where(containsIgnoringCase('hosts.hostname', filter.host));
  }
  const rows = (await query.execute()).map((row) => ({ ...row, children: Number(row.children ?? 0) }));
  const age = (a: QueueRow, b: QueueRow) => Number(a.opened_at) - Number(b.opened_at);
  const due = (a: QueueRow, b: QueueRow) => {
    const [x, y] = [nextDue(a), nextDue(b)];
    return x === y ? 0 : x < y ? -1 : 1;
  };
  if (filter.sort === 'age') return rows.sort((a, b) => age(a, b) || b.priority - a.priority);
  if (filter.sort === 'sla') return rows.sort((a, b) => due(a, b) || b.priority - a.priority || age(a, b));
  return rows.sort((a, b) => b.priority - a.priority || due(a, b) || age(a, b));
}

/** The children folded under these parents, for the queue's expandable rows: one query. */
export async function listChildrenOf(
  db: Kysely<Database>,
  parentIds: readonly string[],
): Promise<Map<string, ChildRow[]>> {
  const byParent = new Map<string, ChildRow[]>();
  if (parentIds.length === 0) return byParent;
  const rows = await childrenQuery(db)
    .select('incidents.parent_id')
    .where('incidents.parent_id', 'in', [...parentIds])
    .execute();
  for (const { parent_id, ...child } of rows) {
    if (parent_id === null) continue;
    byParent.set(parent_id, [...(byParent.get(parent_id) ?? []), child]);
  }
  return byParent;
}

/**
 * Open escalated incidents, by level, that no enabled channel would page: nobody hears of them
 * but whoever looks at the queue. Channels are few; their JSON lists are read here, not in SQL.
 */
export async function unpagedEscalations(
  db: Kysely<Database>,
  scope: ClientScope | undefined,
): Promise<Array<{ level: SupportLevel; count: number }>> {
  const channels = await db
    .selectFrom('notification_channels')
    .select(['levels', 'notice_kinds'])
    .where('enabled', '=', 1)
    .execute();
  const paged = new Set<string>();
  for (const channel of channels) {
    const levels = jsonList(channel.levels);
    if (jsonList(channel.notice_kinds).includes('escalated')) for (const l of levels) paged.add(l);
  }
  let query = db
    .selectFrom('incidents')
    .select(['incidents.level'])
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('incidents.open_key', 'is not', null)
    .where('incidents.escalated_at', 'is not', null)
    .where('incidents.parent_id', 'is', null)
    .groupBy('incidents.level');
  const scoped = scopeCondition(scope, 'incidents.client');
  if (scoped) query = query.where(scoped);
  return (await query.execute())
    .filter((row) => !paged.has(row.level))
    .map((row) => ({ level: row.level, count: Number(row.n) }));
}

function jsonList(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/** A fingerprint of the incidents table that moves whenever an incident is opened or changed. */
export async function incidentsVersion(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('incidents')
    .select((eb) => eb.fn.max('updated_at').as('latest'))
    .executeTakeFirst();
  return Number(row?.latest ?? 0);
}

/** A child as its parent's page and the queue's folded row list it. */
export type ChildRow = Pick<
  IncidentRow,
  | 'id'
  | 'title'
  | 'title_code'
  | 'title_params'
  | 'state'
  | 'priority'
  | 'level'
  | 'recovered_at'
  | 'open_key'
> & { hostname: string | null };

function childrenQuery(db: Kysely<Database>) {
  return db
    .selectFrom('incidents')
    .leftJoin('hosts', 'hosts.id', 'incidents.host_id')
    .select([
      'incidents.id',
      'incidents.title',
      'incidents.title_code',
      'incidents.title_params',
      'incidents.state',
      'incidents.priority',
      'incidents.level',
      'incidents.recovered_at',
      'incidents.open_key',
      'hosts.hostname as hostname',
    ])
    .orderBy('incidents.opened_at')
    .orderBy('incidents.id');
}

/** A parent's children for its page: each with its host's name, oldest first. */
export async function listChildrenWithHost(db: Kysely<Database>, parentId: string): Promise<ChildRow[]> {
  return childrenQuery(db).where('incidents.parent_id', '=', parentId).execute();
}

/** The parent an incident is folded under, for its page: a link with host and state. */
export async function findParentWithHost(
  db: Kysely<Database>,
  parentId: string,
): Promise<ChildRow | undefined> {
  return childrenQuery(db).where('incidents.id', '=', parentId).executeTakeFirst();
}
