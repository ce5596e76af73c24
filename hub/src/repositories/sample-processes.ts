import type { ProcessInfo } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/** How far around a fault to look for a sample that carried the top processes. */
const WINDOW_BEFORE_MS = 10 * 60_000;
const WINDOW_AFTER_MS = 5 * 60_000;
const SAMPLES_SCANNED = 200;

export interface ProcessesAt {
  readonly at: number;
  readonly topByCpu: readonly ProcessInfo[];
  readonly topByMemory: readonly ProcessInfo[];
}

/**
 * The raw samples of a host between `from` and `to` that carried top processes, newest first
 * (at most 200 read). Agents send them only on their slow cycle or when a check fires, inside the
 * sample's JSON, so a bounded window is read and filtered here (JSON is not queried in SQL: the same
 * code runs on SQLite and PostgreSQL).
 */
export async function samplesWithProcesses(
  db: Kysely<Database>,
  hostId: string,
  from: number,
  to: number,
): Promise<ProcessesAt[]> {
  const rows = await db
    .selectFrom('samples')
    .select(['at', 'payload'])
    .where('host_id', '=', hostId)
    .where('at', '>=', from)
    .where('at', '<=', to)
    .orderBy('at', 'desc')
    .limit(SAMPLES_SCANNED)
    .execute();
  const found: ProcessesAt[] = [];
  for (const row of rows) {
    const processes = (JSON.parse(row.payload) as { processes?: Partial<ProcessesAt> }).processes;
    if (!processes?.topByCpu && !processes?.topByMemory) continue;
    found.push({
      at: Number(row.at),
      topByCpu: processes.topByCpu ?? [],
      topByMemory: processes.topByMemory ?? [],
    });
  }
  return found;
}

/** The top processes closest to `at` in the raw samples (kept 2 h), within 10 min before and 5 after. */
export async function topProcessesAround(
  db: Kysely<Database>,
  hostId: string,
  at: number,
): Promise<ProcessesAt | undefined> {
  let best: ProcessesAt | undefined;
  for (const candidate of await samplesWithProcesses(db, hostId, at - WINDOW_BEFORE_MS, at + WINDOW_AFTER_MS))
    if (!best || Math.abs(candidate.at - at) < Math.abs(best.at - at)) best = candidate;
  return best;
}
