import type { Kysely } from 'kysely';
import type { HubDeps } from '../config/deps.js';
import type { Database } from '../db/database.js';
import { lockKeyForTransaction } from '../db/dialect.js';
import { findHost } from '../repositories/hosts.js';
import { insertIncidentEvent } from '../repositories/incident-events.js';
import { findIncident, listOpenOnHost, updateIncident } from '../repositories/incidents.js';
import { regradeForHost } from './engine/regrade.js';
import { startEscalation } from './escalation/runs.js';
import { hostFacts, incidentFacts } from './facts.js';
import { notice } from './notices.js';
import { raiseParentByChild } from './raise-parent.js';
import type { IncidentRuntime } from './runtime.js';
import { slaRetargetColumns } from './sla/incident-sla.js';

/** What a regrade did: incidents looked at and incidents whose grade changed. */
export interface RegradeReport {
  readonly open: number;
  readonly regraded: number;
}

/**
 * A host's role or tags changed: grade each of its open incidents again with the engine's rules
 * (engine/regrade.ts: up or down, a hand-set priority and an escalated level kept), retarget the
 * SLA clocks keeping the time used, write `regraded` in the timeline with the reason, tell the
 * channels when it rose, and hand a moved ticket to its new level's escalation policy. Call it
 * after the change, from wherever role or tags change (PATCH /hosts/:id, PATCH /devices/:id, a
 * re-enrolment declaring a role); given a transaction as `deps.db`, it runs inside it.
 */
export async function regradeOpenIncidentsForHost(
  deps: Pick<HubDeps, 'db' | 'clock' | 'incidents'>,
  hostId: string,
  reason = 'host role or tags changed',
): Promise<RegradeReport> {
  const run = (trx: Kysely<Database>) => regradeIn(trx, deps.incidents, hostId, reason, deps.clock());
  return deps.db.isTransaction ? run(deps.db) : deps.db.transaction().execute(run);
}

async function regradeIn(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  hostId: string,
  reason: string,
  now: number,
): Promise<RegradeReport> {
  const hostRow = await findHost(trx, hostId);
  if (!hostRow) return { open: 0, regraded: 0 };
  const host = hostFacts(hostRow);
  const why = `${reason}: ${host.role}, tags ${host.tags.length > 0 ? host.tags.join(', ') : 'none'}`;
  const open = await listOpenOnHost(trx, hostId);
  let regraded = 0;
  for (const listed of open) {
    // Signals of the key wait for this (several instances on PostgreSQL), and we read after them.
    await lockKeyForTransaction(trx, listed.dedup_key);
    const row = await findIncident(trx, listed.id);
    if (!row || row.open_key === null) continue;
    const outcome = regradeForHost(
      runtime.settings,
      { ...incidentFacts(row), escalated: row.escalated_at !== null },
      host,
    );
    if (!outcome) continue;
    const { grade } = outcome;
    const changes = {
      urgency: grade.urgency,
      impact: grade.impact,
      priority: grade.priority,
      level: grade.level,
      updated_at: now,
      ...(await slaRetargetColumns(trx, runtime, row, grade.priority, now)),
    };
    if (!(await updateIncident(trx, row.id, changes, { state: row.state }))) continue;
    regraded += 1;
    await insertIncidentEvent(trx, runtime.random, {
      incidentId: row.id,
      key: row.dedup_key,
      at: now,
      actor: 'system',
      kind: 'regraded',
      detail: {
        reason: why,
        // The same facts as data: the timeline renders them in the reader's language.
        cause: reason,
        role: host.role,
        tags: host.tags,
        impact: { from: row.impact, to: grade.impact },
        priority: { from: row.priority, to: grade.priority },
        level: { from: row.level, to: grade.level },
        route: grade.route,
      },
    });
    const after = { ...row, ...changes };
    const hostname = host.hostname;
    const summary = `${why}: priority ${row.priority} → ${grade.priority}, ${row.level} → ${grade.level}`;
    // A child pages nobody: its open parent (host group, site, storm) takes the higher grade and
    // pages instead (0026); a child whose parent is gone speaks for itself.
    const parent = row.parent_id === null ? undefined : await findIncident(trx, row.parent_id);
    if (parent !== undefined && parent.open_key !== null) {
      if (outcome.raised)
        await raiseParentByChild(trx, runtime, { parentId: parent.id, childId: row.id, grade }, now);
      continue;
    }
    if (grade.level !== row.level) {
      // The new level hears it as an escalation would tell it (a lower level just finds it in
      // its queue, as after a de-escalation); its own policy takes over either way.
      if (outcome.raised)
        await notice(trx, runtime, after, 'escalated', { at: now, reason: summary, hostname });
      await startEscalation(trx, runtime, after, now);
    } else if (outcome.raised) {
      await notice(trx, runtime, after, 'priority_raised', {
        at: now,
        reason: summary,
        hostname,
        n: grade.priority,
      });
    }
  }
  return { open: open.length, regraded };
}
