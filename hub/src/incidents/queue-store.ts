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
  limit: number;
}

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
    .orderBy('incidents.priority', 'desc')
    .orderBy('incidents.opened_at')
    .limit(filter.limit);
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
  return rows.sort(
    (a, b) => b.priority - a.priority || nextDue(a) - nextDue(b) || Number(a.opened_at) - Number(b.opened_at),
  );
}

/** A fingerprint of the incidents table that moves whenever an incident is opened or changed. */
export async function incidentsVersion(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('incidents')
    .select((eb) => eb.fn.max('updated_at').as('latest'))
    .executeTakeFirst();
  return Number(row?.latest ?? 0);
}

/** A parent's children for its page: each with its host's name, oldest first. */
export async function listChildrenWithHost(
  db: Kysely<Database>,
  parentId: string,
): Promise<
  Array<Pick<IncidentRow, 'id' | 'title' | 'state' | 'priority' | 'level'> & { hostname: string | null }>
> {
  return db
    .selectFrom('incidents')
    .leftJoin('hosts', 'hosts.id', 'incidents.host_id')
    .select([
      'incidents.id',
      'incidents.title',
      'incidents.state',
      'incidents.priority',
      'incidents.level',
      'hosts.hostname as hostname',
    ])
    .where('incidents.parent_id', '=', parentId)
    .orderBy('incidents.opened_at')
    .orderBy('incidents.id')
    .execute();
}
