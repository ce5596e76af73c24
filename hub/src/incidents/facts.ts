import type { HostRow } from '../repositories/hosts.js';
import type { IncidentRow } from '../repositories/incidents.js';
import type { HostFacts, IncidentFacts } from './engine/types.js';

/** Dedup key: `client/host/check[/resource]`, the host by id (hostnames change). */
export function dedupKey(client: string, hostId: string, check: string, resource: string): string {
  return resource === '' ? `${client}/${hostId}/${check}` : `${client}/${hostId}/${check}/${resource}`;
}

/** The engine's view of a host row; tags are stored as a JSON array. */
export function hostFacts(row: HostRow): HostFacts {
  let tags: string[] = [];
  try {
    const parsed: unknown = JSON.parse(row.tags);
    if (Array.isArray(parsed)) tags = parsed.filter((t): t is string => typeof t === 'string');
  } catch {
    // A malformed tag list grades the host as untagged rather than blocking its ticket.
  }
  return { id: row.id, hostname: row.hostname, role: row.role, tags };
}

/** The engine's view of an incident row. */
export function incidentFacts(row: IncidentRow): IncidentFacts {
  return {
    id: row.id,
    state: row.state,
    severity: row.severity,
    urgency: row.urgency,
    impact: row.impact,
    priority: row.priority,
    priorityManual: row.priority_manual === 1,
    level: row.level,
    flapping: row.flapping === 1,
    occurrences: row.occurrences,
    openedAt: Number(row.opened_at),
    lastOccurrenceAt: Number(row.last_occurrence_at),
    recoveredAt: row.recovered_at === null ? null : Number(row.recovered_at),
    resolvedAt: row.resolved_at === null ? null : Number(row.resolved_at),
    acknowledgedAt: row.acknowledged_at,
    assignee: row.assignee,
    check: row.check,
    source: row.source,
    parentId: row.parent_id,
    groupKind: row.group_kind,
  };
}
