import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findIncidentProcesses } from '../repositories/incident-context.js';
import { type ProcessesAt, topProcessesAround } from '../repositories/sample-processes.js';

export type { ProcessesAt } from '../repositories/sample-processes.js';

/**
 * The top processes of an incident: those kept when it opened (they outlive the raw samples,
 * pruned after 2 h), else the raw sample nearest the fault (an incident opened by the hub, or
 * before the hub kept them).
 */
export async function incidentProcesses(
  db: Kysely<Database>,
  incident: { readonly id: string; readonly hostId: string; readonly at: number },
): Promise<ProcessesAt | undefined> {
  return (
    (await findIncidentProcesses(db, incident.id)) ??
    (await topProcessesAround(db, incident.hostId, incident.at))
  );
}
