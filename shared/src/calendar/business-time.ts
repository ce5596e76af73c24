import { dayOf, instantOf, isoDate, localTime, minuteOf, type Weekday, weekdayOf } from './local-time.js';

/**
 * Open hours on some weekdays, local time. `to` at or before `from` runs overnight into the next
 * day (`22:00`–`06:00`); `24:00` is the end of the day.
 */
export interface WeeklyHours {
  readonly days: readonly Weekday[];
  readonly from: string;
  readonly to: string;
}

/** When SLA clocks run: weekly hours in a time zone, minus holidays (whole local dates). */
export interface BusinessCalendar {
  readonly timezone: string;
  readonly hours: readonly WeeklyHours[];
  /** `YYYY-MM-DD`; a holiday closes its whole local date, overnight hours included. */
  readonly holidays: readonly string[];
}

/** The default: clocks always run. */
export const ALWAYS_OPEN: BusinessCalendar = Object.freeze<BusinessCalendar>({
  timezone: 'UTC',
  hours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
  holidays: [],
});

// Beyond this the calendar has (practically) no open hours; refused at validation, so reaching
// it is a bug, not an input error.
const MAX_DAYS = 3 * 366;

type Span = readonly [number, number];

/** Open minutes of one local date, merged and sorted. */
function openMinutes(calendar: BusinessCalendar, day: number): Span[] {
  if (calendar.holidays.includes(isoDate(day))) return [];
  const today = weekdayOf(day);
  const yesterday = weekdayOf(day - 1);
  const spans: [number, number][] = [];
  for (const rule of calendar.hours) {
    const from = minuteOf(rule.from) ?? 0;
    const to = minuteOf(rule.to) ?? 1440;
    const overnight = to <= from;
    if (rule.days.includes(today)) spans.push([from, overnight ? 1440 : to]);
    if (overnight && to > 0 && rule.days.includes(yesterday)) spans.push([0, to]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else if (span[1] > span[0]) merged.push([span[0], span[1]]);
  }
  return merged;
}

/** Open intervals of one local date, as instants. */
function openInstants(calendar: BusinessCalendar, day: number): Span[] {
  return openMinutes(calendar, day).map(([from, to]) => [
    instantOf(day, from, calendar.timezone),
    to === 1440 ? instantOf(day + 1, 0, calendar.timezone) : instantOf(day, to, calendar.timezone),
  ]);
}

/** True when every minute of every day is open (no holidays): plain arithmetic applies. */
export function isAlwaysOpen(calendar: BusinessCalendar): boolean {
  if (calendar.holidays.length > 0) return false;
  for (let day = 0; day < 7; day++) {
    const spans = openMinutes(calendar, day);
    if (spans.length !== 1 || spans[0]?.[0] !== 0 || spans[0]?.[1] !== 1440) return false;
  }
  return true;
}

/** Whether the clocks run at `at`. */
export function isBusinessTime(at: number, calendar: BusinessCalendar): boolean {
  const { day } = localTime(at, calendar.timezone);
  return [day - 1, day].some((d) => openInstants(calendar, d).some(([a, b]) => at >= a && at < b));
}

/** The instant `durationMs` of open time after `start` (start itself if zero and open). */
export function addBusinessTime(start: number, durationMs: number, calendar: BusinessCalendar): number {
  if (isAlwaysOpen(calendar)) return start + durationMs;
  let remaining = Math.max(0, durationMs);
  const first = localTime(start, calendar.timezone).day;
  for (let day = first; day < first + MAX_DAYS; day++) {
    for (const [open, close] of openInstants(calendar, day)) {
      if (close <= start) continue;
      const from = Math.max(open, start);
      if (remaining <= close - from) return from + remaining;
      remaining -= close - from;
    }
  }
  throw new Error('the business calendar has no open hours');
}

/** Open time between two instants (0 when `b` is not after `a`). */
export function businessTimeBetween(a: number, b: number, calendar: BusinessCalendar): number {
  if (b <= a) return 0;
  if (isAlwaysOpen(calendar)) return b - a;
  let total = 0;
  const last = localTime(b, calendar.timezone).day;
  for (let day = localTime(a, calendar.timezone).day; day <= last; day++) {
    for (const [open, close] of openInstants(calendar, day)) {
      total += Math.max(0, Math.min(close, b) - Math.max(open, a));
    }
  }
  return total;
}

/** Why a calendar is unusable, or undefined when it is fine (names the field). */
export function calendarProblem(calendar: BusinessCalendar): string | undefined {
  for (const [i, rule] of calendar.hours.entries()) {
    if (minuteOf(rule.from) === undefined) return `hours.${i}.from must be HH:MM`;
    if (minuteOf(rule.to) === undefined) return `hours.${i}.to must be HH:MM`;
  }
  for (const [i, holiday] of calendar.holidays.entries()) {
    if (dayOf(holiday) === undefined) return `holidays.${i} must be a date YYYY-MM-DD`;
  }
  const week = [0, 1, 2, 3, 4, 5, 6].some((d) => openMinutes({ ...calendar, holidays: [] }, d).length > 0);
  return week ? undefined : 'hours must open at least once a week';
}
