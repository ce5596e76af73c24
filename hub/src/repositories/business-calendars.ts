import { type BusinessCalendar, calendarSchema } from '@vigie/shared';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { BusinessCalendarsTable } from '../db/tables/escalation.js';

/** A stored calendar with its scope. */
export interface StoredCalendar extends BusinessCalendar {
  readonly id: string;
  readonly name: string;
  /** '' = every client. */
  readonly client: string;
  /** '' = the whole client. */
  readonly site: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Decode a row; undefined when it no longer validates (then the clocks fall back to 24×7). */
export function decodeCalendar(row: Selectable<BusinessCalendarsTable>): StoredCalendar | undefined {
  try {
    const parsed = calendarSchema.safeParse({
      timezone: row.timezone,
      hours: JSON.parse(row.hours),
      holidays: JSON.parse(row.holidays),
    });
    if (!parsed.success) return undefined;
    return {
      ...parsed.data,
      id: row.id,
      name: row.name,
      client: row.client,
      site: row.site,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
    };
  } catch {
    return undefined;
  }
}

/** Every calendar, by name. */
export async function listCalendars(db: Kysely<Database>): Promise<StoredCalendar[]> {
  const rows = await db.selectFrom('business_calendars').selectAll().orderBy('name').execute();
  return rows.map(decodeCalendar).filter((c) => c !== undefined);
}

export async function findCalendar(db: Kysely<Database>, id: string): Promise<StoredCalendar | undefined> {
  const row = await db.selectFrom('business_calendars').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? decodeCalendar(row) : undefined;
}

/** The calendars that may apply to a client's site (its site's, its own, the default). */
export async function listCalendarsFor(
  db: Kysely<Database>,
  client: string,
  site: string,
): Promise<StoredCalendar[]> {
  const rows = await db
    .selectFrom('business_calendars')
    .selectAll()
    .where('client', 'in', ['', client])
    .where('site', 'in', ['', site])
    .execute();
  return rows.map(decodeCalendar).filter((c) => c !== undefined);
}

export type CalendarInput = Omit<StoredCalendar, 'createdAt' | 'updatedAt'>;

/** Store a calendar; false when its name or its (client, site) is taken. */
export async function insertCalendar(
  db: Kysely<Database>,
  calendar: CalendarInput,
  now: number,
): Promise<boolean> {
  const result = await db
    .insertInto('business_calendars')
    .values({ ...columns(calendar), id: calendar.id, created_at: now, updated_at: now })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Replace a calendar's fields; 'missing' or 'conflict' (name or scope taken) when not done. */
export async function updateCalendar(
  db: Kysely<Database>,
  calendar: CalendarInput,
  now: number,
): Promise<'updated' | 'missing' | 'conflict'> {
  const clash = await db
    .selectFrom('business_calendars')
    .select('id')
    .where('id', '!=', calendar.id)
    .where((eb) =>
      eb.or([
        eb('name', '=', calendar.name),
        eb.and([eb('client', '=', calendar.client), eb('site', '=', calendar.site)]),
      ]),
    )
    .executeTakeFirst();
  if (clash) return 'conflict';
  const result = await db
    .updateTable('business_calendars')
    .set({ ...columns(calendar), updated_at: now })
    .where('id', '=', calendar.id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? 'updated' : 'missing';
}

export async function deleteCalendar(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('business_calendars').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

function columns(calendar: CalendarInput) {
  return {
    name: calendar.name,
    client: calendar.client,
    site: calendar.site,
    timezone: calendar.timezone,
    hours: JSON.stringify(calendar.hours),
    holidays: JSON.stringify(calendar.holidays),
  };
}
