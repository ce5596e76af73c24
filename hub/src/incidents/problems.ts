import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { insertIncidentEvent } from '../repositories/incident-events.js';
import { type IncidentRow, listKeyOpenedSince } from '../repositories/incidents.js';
import {
  findOpenProblem,
  insertProblemIfNoneOpen,
  linkIncidents,
  refreshProblemCounts,
} from '../repositories/problems.js';
import { generateId } from '../security/secrets.js';
import { problemDue } from './engine/decide-tick.js';
import type { IncidentRuntime } from './runtime.js';

/**
 * After an opening: when its key produced enough incidents within the window, open (or update)
 * the key's problem for N2 and link the incidents to it.
 */
export async function linkProblem(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  incident: IncidentRow,
  now: number,
): Promise<void> {
  const { settings } = runtime;
  const recent = await listKeyOpenedSince(trx, incident.dedup_key, now - settings.problemWindowMs);
  if (!problemDue(recent.length, settings)) return;
  let problem = await findOpenProblem(trx, incident.dedup_key);
  if (!problem) {
    const row = {
      id: generateId('prb', runtime.random),
      dedup_key: incident.dedup_key,
      open_key: incident.dedup_key,
      client: incident.client,
      site: incident.site,
      host_id: incident.host_id,
      check: incident.check,
      resource: incident.resource,
      title: `Recurring: ${incident.title}`,
      // Rendered where shown: "Recurring: …" / « Récurrent : … » around the incidents' own title.
      title_code: incident.title_code,
      title_params: incident.title_params,
      state: 'open' as const,
      level: 'N2' as const,
      incident_count: 0,
      first_incident_at: Number(recent[0]?.opened_at ?? now),
      last_incident_at: now,
      created_at: now,
      updated_at: now,
      resolved_at: null,
      note: null,
    };
    await insertProblemIfNoneOpen(trx, row);
    problem = await findOpenProblem(trx, incident.dedup_key);
    if (!problem) return;
  }
  const unlinked = recent.filter((row) => row.problem_id !== problem.id);
  await linkIncidents(
    trx,
    problem.id,
    unlinked.map((row) => row.id),
  );
  await refreshProblemCounts(trx, problem.id, now);
  for (const row of unlinked) {
    await insertIncidentEvent(trx, runtime.random, {
      incidentId: row.id,
      key: row.dedup_key,
      at: now,
      actor: 'system',
      kind: 'problem_linked',
      detail: { problemId: problem.id, incidentsInWindow: recent.length },
    });
  }
}
