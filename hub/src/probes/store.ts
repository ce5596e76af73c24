import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../db/database.js';
import type { ProbeAgentsTable, ProbeResultsTable, ProbesTable } from '../db/tables/probes.js';

export type ProbeRow = Selectable<ProbesTable>;
export type ProbeAgentRow = Selectable<ProbeAgentsTable>;
export type ProbeResultRow = Selectable<ProbeResultsTable>;

// Probes, their agents, their results and the sites' allowlists: plain functions taking `db`.

export async function findProbe(db: Kysely<Database>, id: string): Promise<ProbeRow | undefined> {
  return db.selectFrom('probes').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface ProbeFilter {
  client?: string | undefined;
  site?: string | undefined;
  device?: string | undefined;
}

export async function listProbes(db: Kysely<Database>, filter: ProbeFilter = {}): Promise<ProbeRow[]> {
  let query = db.selectFrom('probes').selectAll().orderBy('client').orderBy('site').orderBy('name');
  if (filter.client !== undefined) query = query.where('client', '=', filter.client);
  if (filter.site !== undefined) query = query.where('site', '=', filter.site);
  if (filter.device !== undefined) query = query.where('device_host_id', '=', filter.device);
  return query.execute();
}

/** A new probe has signalled nothing and seen no certificate yet. */
const FRESH_PROBE_STATE = {
  down_state: 'ok',
  latency_state: 'ok',
  signalled_at: null,
  cert_not_after: null,
  cert_seen_at: null,
} as const satisfies Partial<Insertable<ProbesTable>>;

export type NewProbe = Omit<Insertable<ProbesTable>, keyof typeof FRESH_PROBE_STATE>;

export async function insertProbe(
  db: Kysely<Database>,
  probe: NewProbe,
  agentHostIds: readonly string[],
): Promise<void> {
  await db
    .insertInto('probes')
    .values({ ...FRESH_PROBE_STATE, ...probe })
    .execute();
  await setProbeAgents(db, probe.id, agentHostIds);
}

export async function updateProbe(
  db: Kysely<Database>,
  id: string,
  changes: Updateable<ProbesTable>,
): Promise<void> {
  await db.updateTable('probes').set(changes).where('id', '=', id).execute();
}

export async function deleteProbe(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('probes').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Replace the agents of a probe; an agent kept keeps its rule states. */
export async function setProbeAgents(
  db: Kysely<Database>,
  probeId: string,
  hostIds: readonly string[],
): Promise<void> {
  const current = await listProbeAgents(db, probeId);
  const gone = current.filter((row) => !hostIds.includes(row.host_id)).map((row) => row.host_id);
  if (gone.length > 0)
    await db
      .deleteFrom('probe_agents')
      .where('probe_id', '=', probeId)
      .where('host_id', 'in', gone)
      .execute();
  const added = hostIds.filter((id) => !current.some((row) => row.host_id === id));
  if (added.length === 0) return;
  await db
    .insertInto('probe_agents')
    .values(
      added.map((hostId) => ({
        probe_id: probeId,
        host_id: hostId,
        down_rule: null,
        latency_rule: null,
        last_at: null,
        last_received_at: null,
        last_outcome: null,
        last_latency_ms: null,
        last_loss_pct: null,
        last_error: null,
      })),
    )
    .onConflict((oc) => oc.columns(['probe_id', 'host_id']).doNothing())
    .execute();
}

export async function listProbeAgents(db: Kysely<Database>, probeId: string): Promise<ProbeAgentRow[]> {
  return db
    .selectFrom('probe_agents')
    .selectAll()
    .where('probe_id', '=', probeId)
    .orderBy('host_id')
    .execute();
}

export async function findProbeAgent(
  db: Kysely<Database>,
  probeId: string,
  hostId: string,
): Promise<ProbeAgentRow | undefined> {
  return db
    .selectFrom('probe_agents')
    .selectAll()
    .where('probe_id', '=', probeId)
    .where('host_id', '=', hostId)
    .executeTakeFirst();
}

export async function updateProbeAgent(
  db: Kysely<Database>,
  probeId: string,
  hostId: string,
  changes: Updateable<ProbeAgentsTable>,
): Promise<void> {
  await db
    .updateTable('probe_agents')
    .set(changes)
    .where('probe_id', '=', probeId)
    .where('host_id', '=', hostId)
    .execute();
}

/** Each agent of a probe with whether its host is connected now (agreement needs both). */
export async function listProbeVoters(db: Kysely<Database>, probeId: string) {
  return db
    .selectFrom('probe_agents')
    .innerJoin('hosts', 'hosts.id', 'probe_agents.host_id')
    .selectAll('probe_agents')
    .select(['hosts.connected', 'hosts.hostname'])
    .where('probe_agents.probe_id', '=', probeId)
    .orderBy('probe_agents.host_id')
    .execute();
}

/** The enabled probes a host's agent runs, oldest first. */
export async function listProbesRunBy(db: Kysely<Database>, hostId: string): Promise<ProbeRow[]> {
  return db
    .selectFrom('probes')
    .innerJoin('probe_agents', 'probe_agents.probe_id', 'probes.id')
    .selectAll('probes')
    .where('probe_agents.host_id', '=', hostId)
    .where('probes.enabled', '=', 1)
    .orderBy('probes.created_at')
    .orderBy('probes.id')
    .execute();
}

/** Store a result once; false when this (agent, boot, seq) was already stored. */
export async function insertProbeResult(
  db: Kysely<Database>,
  row: Insertable<ProbeResultsTable>,
): Promise<boolean> {
  const result = await db
    .insertInto('probe_results')
    .values(row)
    .onConflict((oc) => oc.columns(['agent_id', 'boot_id', 'seq']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Results of a probe between two instants (agent clock), newest first. */
export async function listProbeResults(
  db: Kysely<Database>,
  probeId: string,
  range: { from: number; to: number; limit: number },
): Promise<ProbeResultRow[]> {
  return db
    .selectFrom('probe_results')
    .selectAll()
    .where('probe_id', '=', probeId)
    .where('at', '>=', range.from)
    .where('at', '<=', range.to)
    .orderBy('at', 'desc')
    .limit(range.limit)
    .execute();
}

/** Forget a probe's results older than `before` (an indexed range, usually nothing or one row). */
export async function pruneProbeResults(
  db: Kysely<Database>,
  probeId: string,
  before: number,
): Promise<void> {
  await db.deleteFrom('probe_results').where('probe_id', '=', probeId).where('at', '<', before).execute();
}

/** A site's allowlist (empty when none was set: nothing may be probed). */
export async function findSiteAllowlist(
  db: Kysely<Database>,
  client: string,
  site: string,
): Promise<string[]> {
  const row = await db
    .selectFrom('probe_sites')
    .select('allow')
    .where('client', '=', client)
    .where('site', '=', site)
    .executeTakeFirst();
  return row ? (JSON.parse(row.allow) as string[]) : [];
}

export async function saveSiteAllowlist(
  db: Kysely<Database>,
  entry: { client: string; site: string; allow: readonly string[]; at: number; by: string | null },
): Promise<void> {
  const allow = JSON.stringify(entry.allow);
  await db
    .insertInto('probe_sites')
    .values({ client: entry.client, site: entry.site, allow, updated_at: entry.at, updated_by: entry.by })
    .onConflict((oc) =>
      oc.columns(['client', 'site']).doUpdateSet({ allow, updated_at: entry.at, updated_by: entry.by }),
    )
    .execute();
}

/** Hosts of a site whose agents run probes of that site (to push them a new allowlist). */
export async function listProbingHostsOfSite(
  db: Kysely<Database>,
  client: string,
  site: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('probe_agents')
    .innerJoin('probes', 'probes.id', 'probe_agents.probe_id')
    .select('probe_agents.host_id')
    .distinct()
    .where('probes.client', '=', client)
    .where('probes.site', '=', site)
    .execute();
  return rows.map((row) => row.host_id);
}
