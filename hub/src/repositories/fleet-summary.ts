import { PRIORITIES, type Priority } from '@vigie/shared';
import type { Kysely } from 'kysely';
import { type ClientScope, scopeCondition } from '../db/client-scope.js';
import type { Database } from '../db/database.js';

/** Counts per priority, every priority present (0 when none). */
export type PriorityCounts = Record<Priority, number>;

/** The fleet in figures: what a dashboard's header shows without listing 10 000 hosts. */
export interface FleetSummary {
  readonly hosts: { total: number; online: number; offline: number; noSampleYet: number };
  /** Hosts by their worst open incident's priority; `noOpenIncident` for the others. */
  readonly health: { noOpenIncident: number; byWorstPriority: PriorityCounts };
  readonly openIncidents: { total: number; byPriority: PriorityCounts };
}

const zeroes = (): PriorityCounts =>
  Object.fromEntries(Object.keys(PRIORITIES).map((p) => [p, 0])) as unknown as PriorityCounts;

/**
 * Three aggregate queries, none returning a row per host: one pass over the hosts, and two over
 * the open incidents only (the `open_key` index holds just those), so it stays a few ms with
 * 10 000 hosts. Scoped to the clients the caller may see.
 */
export async function readFleetSummary(db: Kysely<Database>, scope?: ClientScope): Promise<FleetSummary> {
  let hosts = db
    .selectFrom('hosts')
    .select((eb) => [
      eb.fn.countAll().as('total'),
      eb.fn.sum(eb.case().when('connected', '=', 1).then(1).else(0).end()).as('online'),
      eb.fn.sum(eb.case().when('last_sample_at', 'is', null).then(1).else(0).end()).as('unsampled'),
    ]);
  const hostScope = scopeCondition(scope, 'hosts.client');
  if (hostScope) hosts = hosts.where(hostScope);

  // Children are counted once, in their open parent (folded, as in the queues).
  let open = db
    .selectFrom('incidents')
    .where('open_key', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('parent_id', 'is', null),
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
    );
  const incidentScope = scopeCondition(scope, 'incidents.client');
  if (incidentScope) open = open.where(incidentScope);
  const byPriority = open.select((eb) => ['priority', eb.fn.countAll().as('n')]).groupBy('priority');
  // Joined to the hosts counted above, so the hosts with and without an open incident add up.
  let withOpen = db
    .selectFrom('incidents')
    .innerJoin('hosts', 'hosts.id', 'incidents.host_id')
    .where('incidents.open_key', 'is not', null);
  if (hostScope) withOpen = withOpen.where(hostScope);
  const worstPerHost = withOpen
    .select((eb) => ['incidents.host_id', eb.fn.max('incidents.priority').as('worst')])
    .groupBy('incidents.host_id')
    .as('w');
  const byWorst = db
    .selectFrom(worstPerHost)
    .select((eb) => ['w.worst', eb.fn.countAll().as('n')])
    .groupBy('w.worst');

  const [counts, priorities, worst] = await Promise.all([
    hosts.executeTakeFirst(),
    byPriority.execute(),
    byWorst.execute(),
  ]);
  const total = Number(counts?.total ?? 0);
  const online = Number(counts?.online ?? 0);
  const summary: FleetSummary = {
    hosts: { total, online, offline: total - online, noSampleYet: Number(counts?.unsampled ?? 0) },
    health: { noOpenIncident: total, byWorstPriority: zeroes() },
    openIncidents: { total: 0, byPriority: zeroes() },
  };
  for (const row of priorities) {
    summary.openIncidents.byPriority[row.priority] = Number(row.n);
    summary.openIncidents.total += Number(row.n);
  }
  for (const row of worst) {
    summary.health.byWorstPriority[Number(row.worst) as Priority] = Number(row.n);
    summary.health.noOpenIncident -= Number(row.n);
  }
  return summary;
}
