import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { saveIncidentProcesses } from '../repositories/incident-context.js';
import { topProcessesAround } from '../repositories/sample-processes.js';

/**
 * Keep with a new incident the top processes of its host at the fault (the latest raw sample
 * that carried them, usually the agent's last slow cycle): raw samples are pruned after 2 h, the
 * incident page shows them for as long as the incident lives. Bounded: one window of samples
 * read, 10 processes per list kept.
 */
export async function captureFaultProcesses(
  trx: Kysely<Database>,
  incident: { readonly id: string; readonly hostId: string },
  at: number,
  now: number,
): Promise<void> {
  const processes = await topProcessesAround(trx, incident.hostId, at);
  if (processes) await saveIncidentProcesses(trx, incident.id, processes, now);
}
