import type { StoredCalendar } from '../../repositories/business-calendars.js';
import type { IncidentRow } from '../../repositories/incidents.js';
import { pickCalendar } from './calendar-for.js';
import { slaView } from './decide-sla.js';
import { slaFactsOf } from './incident-sla.js';

/** An incident's SLA state for the API, with the calendar its clocks run on. */
export function incidentSlaView(row: IncidentRow, calendars: readonly StoredCalendar[], now: number) {
  const applied = pickCalendar(calendars, row.client, row.site);
  return { calendar: applied.name, ...slaView(slaFactsOf(row), now, applied.calendar) };
}
