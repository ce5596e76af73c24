import type { ProcessInfo } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { ProcessesAt } from './sample-processes.js';

/** Processes kept per list: what the incident page shows, whatever the agent sent. */
export const CONTEXT_PROCESSES = 10;

/** Keep an incident's top processes; the first capture stays (a second one changes nothing). */
export async function saveIncidentProcesses(
  db: Kysely<Database>,
  incidentId: string,
  processes: ProcessesAt,
  now: number,
): Promise<void> {
  await db
    .insertInto('incident_context')
    .values({
      incident_id: incidentId,
      processes_at: processes.at,
      top_by_cpu: JSON.stringify(processes.topByCpu.slice(0, CONTEXT_PROCESSES)),
      top_by_memory: JSON.stringify(processes.topByMemory.slice(0, CONTEXT_PROCESSES)),
      captured_at: now,
    })
    .onConflict((oc) => oc.column('incident_id').doNothing())
    .execute();
}

/** The top processes kept with an incident, if any were. */
export async function findIncidentProcesses(
  db: Kysely<Database>,
  incidentId: string,
): Promise<ProcessesAt | undefined> {
  const row = await db
    .selectFrom('incident_context')
    .select(['processes_at', 'top_by_cpu', 'top_by_memory'])
    .where('incident_id', '=', incidentId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    at: Number(row.processes_at),
    topByCpu: JSON.parse(row.top_by_cpu) as ProcessInfo[],
    topByMemory: JSON.parse(row.top_by_memory) as ProcessInfo[],
  };
}
