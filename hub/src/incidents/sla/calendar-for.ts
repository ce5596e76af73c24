import { ALWAYS_OPEN, type BusinessCalendar } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { listCalendarsFor, type StoredCalendar } from '../../repositories/business-calendars.js';

/** A calendar and the name to show for it. */
export interface AppliedCalendar {
  readonly id: string | null;
  readonly name: string;
  readonly calendar: BusinessCalendar;
}

const ROUND_THE_CLOCK: AppliedCalendar = { id: null, name: '24×7', calendar: ALWAYS_OPEN };

/** The most specific calendar for a site: the site's, else the client's, else the default, else 24×7. */
export function pickCalendar(
  calendars: readonly StoredCalendar[],
  client: string,
  site: string,
): AppliedCalendar {
  const found =
    calendars.find((c) => c.client === client && c.site === site && site !== '') ??
    calendars.find((c) => c.client === client && c.site === '') ??
    calendars.find((c) => c.client === '' && c.site === '');
  return found ? { id: found.id, name: found.name, calendar: found } : ROUND_THE_CLOCK;
}

/** The calendar an incident's clocks run on, read inside the caller's transaction. */
export async function calendarFor(
  db: Kysely<Database>,
  client: string,
  site: string,
): Promise<AppliedCalendar> {
  return pickCalendar(await listCalendarsFor(db, client, site), client, site);
}
