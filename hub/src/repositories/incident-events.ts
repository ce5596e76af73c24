import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { IncidentEventKind } from '../db/incident-event-kinds.js';
import type { IncidentEventsTable } from '../db/tables/incidents.js';
import type { RandomBytes } from '../security/secrets.js';

export type IncidentEventRow = Selectable<IncidentEventsTable>;

let written = 0;

/**
 * Event ids sort in writing order (time, then a counter), so a timeline ordered by (at, id) keeps
 * the order of events written in the same millisecond; the random tail keeps them unique.
 */
function eventId(at: number, random: RandomBytes): string {
  written = (written + 1) % 1_000_000;
  return `evt_${at.toString(36).padStart(9, '0')}${written.toString(36).padStart(4, '0')}_${random(6).toString('base64url')}`;
}

/** One timeline entry, as written. */
export interface TimelineEntry {
  incidentId: string | null;
  key: string;
  at: number;
  actor: string;
  kind: IncidentEventKind;
  detail?: Record<string, unknown>;
}

/** Append a timeline event. */
export async function insertIncidentEvent(
  db: Kysely<Database>,
  random: RandomBytes,
  entry: TimelineEntry,
): Promise<void> {
  await db
    .insertInto('incident_events')
    .values({
      id: eventId(entry.at, random),
      incident_id: entry.incidentId,
      dedup_key: entry.key,
      at: entry.at,
      actor: entry.actor,
      kind: entry.kind,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .execute();
}

/** Give a new ticket the records kept while its signal was held. */
export async function adoptHeldEvents(db: Kysely<Database>, key: string, incidentId: string): Promise<void> {
  await db
    .updateTable('incident_events')
    .set({ incident_id: incidentId })
    .where('dedup_key', '=', key)
    .where('incident_id', 'is', null)
    .execute();
}

/** An incident's timeline, oldest first. */
export async function listIncidentEvents(
  db: Kysely<Database>,
  incidentId: string,
  limit = 1000,
): Promise<IncidentEventRow[]> {
  return db
    .selectFrom('incident_events')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** How many events of one kind an incident's timeline holds (its reopenings, for delivery keys). */
export async function countIncidentEvents(
  db: Kysely<Database>,
  incidentId: string,
  kind: IncidentEventKind,
): Promise<number> {
  const row = await db
    .selectFrom('incident_events')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('incident_id', '=', incidentId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** An incident's events of some kinds, oldest first (what the SLA clocks' history is made of). */
export async function listIncidentEventsOfKinds(
  db: Kysely<Database>,
  incidentId: string,
  kinds: readonly IncidentEventKind[],
): Promise<Pick<IncidentEventRow, 'at' | 'kind'>[]> {
  return db
    .selectFrom('incident_events')
    .select(['at', 'kind'])
    .where('incident_id', '=', incidentId)
    .where('kind', 'in', [...kinds])
    .orderBy('at')
    .orderBy('id')
    .execute();
}
