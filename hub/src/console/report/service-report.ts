import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/** What the report reads of each incident. */
export interface ReportIncident {
  readonly priority: number;
  readonly level: string;
  readonly check: string;
  readonly resource: string;
  readonly opened_at: number;
  readonly acknowledged_at: number | null;
  readonly resolved_at: number | null;
  readonly sla_own_due_at: number | null;
  readonly sla_own_breached_at: number | null;
  readonly sla_resolve_due_at: number | null;
  readonly sla_resolve_breached_at: number | null;
  /** `n0` for a ticket N0 resolved before anyone was paged (decision 0029). */
  readonly resolution?: string | null;
}

export interface Durations {
  readonly count: number;
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
}

export interface ServiceReport {
  readonly total: number;
  readonly byPriority: ReadonlyArray<[string, number]>;
  readonly byLevel: ReadonlyArray<[string, number]>;
  readonly byCheck: ReadonlyArray<[string, number]>;
  readonly topFaults: ReadonlyArray<[string, number]>;
  readonly toAcknowledge: Durations;
  readonly toResolve: Durations;
  /** Share of incidents with an SLA clock that did not breach it, in %; null without any clock. */
  readonly slaOwnMetPct: number | null;
  readonly slaResolveMetPct: number | null;
}

/** Most incidents one report reads; a longer period should be split. */
export const MAX_REPORT_INCIDENTS = 100_000;

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

function durations(values: number[]): Durations {
  const sorted = values.filter((v) => v >= 0).sort((a, b) => a - b);
  return { count: sorted.length, medianMs: percentile(sorted, 50), p90Ms: percentile(sorted, 90) };
}

function countBy(rows: readonly ReportIncident[], key: (row: ReportIncident) => string) {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(key(row), (counts.get(key(row)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function metPct(rows: readonly ReportIncident[], due: keyof ReportIncident, breached: keyof ReportIncident) {
  const clocked = rows.filter((r) => r[due] !== null);
  if (clocked.length === 0) return null;
  const met = clocked.filter((r) => r[breached] === null).length;
  return Math.round((met / clocked.length) * 1000) / 10;
}

/** The figures of a service review, from the incidents opened in the period. Pure. */
export function serviceReport(rows: readonly ReportIncident[]): ServiceReport {
  return {
    total: rows.length,
    byPriority: countBy(rows, (r) => `P${r.priority}`).sort((a, b) => b[0].localeCompare(a[0])),
    byLevel: countBy(rows, (r) => r.level).sort((a, b) => a[0].localeCompare(b[0])),
    byCheck: countBy(rows, (r) => r.check),
    topFaults: countBy(rows, (r) => (r.resource ? `${r.check} ${r.resource}` : r.check)).slice(0, 10),
    toAcknowledge: durations(
      rows
        .filter((r) => r.acknowledged_at !== null)
        .map((r) => Number(r.acknowledged_at) - Number(r.opened_at)),
    ),
    toResolve: durations(
      rows.filter((r) => r.resolved_at !== null).map((r) => Number(r.resolved_at) - Number(r.opened_at)),
    ),
    slaOwnMetPct: metPct(rows, 'sla_own_due_at', 'sla_own_breached_at'),
    slaResolveMetPct: metPct(rows, 'sla_resolve_due_at', 'sla_resolve_breached_at'),
  };
}

/** Incidents of a client (or every client) opened in [from, to). */
export async function reportIncidents(
  db: Kysely<Database>,
  filter: { client?: string | undefined; from: number; to: number },
): Promise<ReportIncident[]> {
  let query = db
    .selectFrom('incidents')
    .select([
      'priority',
      'level',
      'check',
      'resource',
      'opened_at',
      'acknowledged_at',
      'resolved_at',
      'sla_own_due_at',
      'sla_own_breached_at',
      'sla_resolve_due_at',
      'sla_resolve_breached_at',
      'resolution',
    ])
    .where('opened_at', '>=', filter.from)
    .where('opened_at', '<', filter.to)
    // A group counts once: its parent (a site or storm ticket too), never its children.
    .where('parent_id', 'is', null)
    .limit(MAX_REPORT_INCIDENTS);
  if (filter.client !== undefined) query = query.where('client', '=', filter.client);
  return query.execute();
}

/** Tickets N0 avoided for one client and check kind, and the handling time that saved. */
export interface N0Avoided {
  readonly client: string;
  readonly check: string;
  readonly count: number;
  /** count × the median handling time (opened → resolved) of the level's tickets people resolved; null without any. */
  readonly savedMs: number | null;
}

/**
 * Tickets avoided by N0 per client and kind (`avoided`: N0 successes by client, check and the level
 * the ticket would have gone to), with the time saved estimated from the median handling time of
 * the tickets of that level people resolved in the period (`handled`). Pure.
 */
export function ticketsAvoidedByN0(
  avoided: ReadonlyArray<{ client: string; check: string; level: string; n: number }>,
  handled: readonly ReportIncident[],
): N0Avoided[] {
  const medianOf = new Map<string, number | null>();
  const median = (level: string) => {
    if (!medianOf.has(level)) {
      const spans = handled
        .filter((r) => r.level === level && r.resolved_at !== null && r.resolution !== 'n0')
        .map((r) => Number(r.resolved_at) - Number(r.opened_at));
      medianOf.set(level, durations(spans).medianMs);
    }
    return medianOf.get(level) ?? null;
  };
  const byKey = new Map<string, { client: string; check: string; count: number; savedMs: number | null }>();
  for (const row of avoided) {
    const key = `${row.client}\u0000${row.check}`;
    const entry = byKey.get(key) ?? { client: row.client, check: row.check, count: 0, savedMs: null };
    entry.count += row.n;
    const m = median(row.level);
    if (m !== null) entry.savedMs = (entry.savedMs ?? 0) + m * row.n;
    byKey.set(key, entry);
  }
  return [...byKey.values()].sort(
    (a, b) => b.count - a.count || a.client.localeCompare(b.client) || a.check.localeCompare(b.check),
  );
}

/** One server's share of the period it was reachable, from its `host.silent` incidents. */
export interface ServerAvailability {
  readonly hostId: string;
  readonly hostname: string;
  readonly availabilityPct: number;
  readonly downMs: number;
}

/**
 * Availability over [from, to): 100 % minus the time covered by outages (each clipped to the
 * period; an outage still open runs to `to`; overlapping outages count once). Pure.
 */
export function availabilityPct(
  outages: ReadonlyArray<{ start: number; end: number | null }>,
  from: number,
  to: number,
): { pct: number; downMs: number } {
  const spans = outages
    .map((o) => [Math.max(from, o.start), Math.min(to, o.end ?? to)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let downMs = 0;
  let reach = from;
  for (const [a, b] of spans) {
    const start = Math.max(a, reach);
    if (b > start) downMs += b - start;
    reach = Math.max(reach, b);
  }
  const span = Math.max(1, to - from);
  return { pct: Math.round((1 - downMs / span) * 10_000) / 100, downMs };
}

/** The client's servers and how available each was in [from, to), least available first. */
export async function serverAvailability(
  db: Kysely<Database>,
  filter: { client?: string | undefined; from: number; to: number },
): Promise<ServerAvailability[]> {
  let hosts = db.selectFrom('hosts').select(['id', 'hostname']).where('role', '=', 'server').limit(5000);
  if (filter.client !== undefined) hosts = hosts.where('client', '=', filter.client);
  const servers = await hosts.execute();
  if (servers.length === 0) return [];
  const outages = await db
    .selectFrom('incidents')
    .select(['host_id', 'first_occurrence_at', 'resolved_at'])
    .where('check', '=', 'host.silent')
    .where(
      'host_id',
      'in',
      servers.map((h) => h.id),
    )
    .where('first_occurrence_at', '<', filter.to)
    .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>', filter.from)]))
    .execute();
  return servers
    .map((host) => {
      const own = outages
        .filter((o) => o.host_id === host.id)
        .map((o) => ({
          start: Number(o.first_occurrence_at),
          end: o.resolved_at === null ? null : Number(o.resolved_at),
        }));
      const { pct, downMs } = availabilityPct(own, filter.from, filter.to);
      return { hostId: host.id, hostname: host.hostname, availabilityPct: pct, downMs };
    })
    .sort((a, b) => a.availabilityPct - b.availabilityPct || a.hostname.localeCompare(b.hostname));
}
