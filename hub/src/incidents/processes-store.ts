import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findIncidentProcesses } from '../repositories/incident-context.js';
import { type ProcessesAt, samplesWithProcesses } from '../repositories/sample-processes.js';

export type { ProcessesAt } from '../repositories/sample-processes.js';

/** How far before a fault a sample that carried the top processes still describes it. */
const LOOK_BACK_MS = 10 * 60_000;
/**
 * The agent sends its top processes in the sample of the check that fired, stamped a moment
 * after the check's own observation: that sample still shows the fault.
 */
const SAME_CYCLE_MS = 15_000;

/** Processes describe the fault only if taken at it or before (never after the host came back). */
const atOrBefore = (p: ProcessesAt, fault: number) => p.at <= fault + SAME_CYCLE_MS;

/** The latest raw sample at or before the fault that carried the top processes. */
async function latestBefore(
  db: Kysely<Database>,
  hostId: string,
  fault: number,
): Promise<ProcessesAt | undefined> {
  const [latest] = await samplesWithProcesses(db, hostId, fault - LOOK_BACK_MS, fault + SAME_CYCLE_MS);
  return latest;
}

/**
 * The top processes of an incident: those kept when it opened (they outlive the raw samples,
 * pruned after 2 h), else the latest raw sample before the fault. Either is shown only if taken
 * at or before the fault: a host-silent ticket must not show what ran once the host came back.
 */
export async function incidentProcesses(
  db: Kysely<Database>,
  incident: { readonly id: string; readonly hostId: string; readonly at: number },
): Promise<ProcessesAt | undefined> {
  const kept = await findIncidentProcesses(db, incident.id);
  if (kept && atOrBefore(kept, incident.at)) return kept;
  return latestBefore(db, incident.hostId, incident.at);
}
