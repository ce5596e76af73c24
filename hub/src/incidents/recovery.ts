import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { stopRuns } from '../repositories/incident-escalations.js';
import { findIncident, type IncidentRow } from '../repositories/incidents.js';
import { startEscalation } from './escalation/runs.js';
import { hostnameOf, notice, reopenEpoch } from './notices.js';
import type { IncidentRuntime } from './runtime.js';

// A fault that clears is said at once, even though the ticket waits out its quiet period before
// it resolves (DESIGN.md, "A fault clears"): paging stops and the channels that were told hear it.

/**
 * The fault of an open incident cleared (its `recovered_at` just set): stop its escalation runs
 * and queue a `recovered` notice, keyed `incident/recovered/<epoch>`, to the channels already
 * told about it. A second recovery in the same epoch keeps the key, so it is not said twice.
 */
export async function announceRecovery(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  incidentId: string,
  now: number,
): Promise<void> {
  const incident = await findIncident(trx, incidentId);
  if (!incident || incident.open_key === null) return;
  await stopRuns(trx, incident.id, now);
  await notice(trx, runtime, incident, 'recovered', {
    at: now,
    reason: `${incident.check} recovered; the incident resolves after the quiet period if the fault stays away`,
    hostname: await hostnameOf(trx, incident.host_id),
    n: await reopenEpoch(trx, incident.id),
  });
}

/**
 * The fault came back inside the quiet period after its recovery was announced (the `flapping`
 * event already written, so this is a new epoch): tell the level it is back and page again from
 * the first step, as a reopening does. A regrade to another level has started that level's policy.
 */
export async function announceReturn(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  incident: IncidentRow,
  now: number,
  movedLevel: boolean,
): Promise<void> {
  await notice(trx, runtime, incident, 'reopened', {
    at: now,
    reason: `${incident.check} failed again before the quiet period ended: flapping`,
    hostname: await hostnameOf(trx, incident.host_id),
    n: await reopenEpoch(trx, incident.id),
  });
  if (incident.parent_id === null && !movedLevel) await startEscalation(trx, runtime, incident, now);
}
