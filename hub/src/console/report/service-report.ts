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
    ])
    .where('opened_at', '>=', filter.from)
    .where('opened_at', '<', filter.to)
    .where('group_kind', 'is', null)
    .limit(MAX_REPORT_INCIDENTS);
  if (filter.client !== undefined) query = query.where('client', '=', filter.client);
  return query.execute();
}
