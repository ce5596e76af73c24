/**
 * Wall-clock arithmetic in IANA time zones with nothing but `Intl`: the hub ships no time-zone
 * library, and business hours, holidays and on-call handoffs are all stated in local time.
 * Local dates are "epoch days" (days since 1970-01-01 as if UTC), so counting days between two
 * local dates never trips over a 23- or 25-hour day.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** An instant seen on the wall clock of a time zone. */
export interface LocalTime {
  /** Local date as days since 1970-01-01. */
  readonly day: number;
  /** Minutes since local midnight, 0–1439. */
  readonly minute: number;
  readonly weekday: Weekday;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** True when the runtime knows this IANA zone name. */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock at `at`, read as if it were UTC (milliseconds, seconds precision). */
function wallAsUtc(at: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
}

/** How far the zone's wall clock is ahead of UTC at `at`. */
export function offsetMs(at: number, timeZone: string): number {
  return wallAsUtc(at, timeZone) - Math.floor(at / 1000) * 1000;
}

/** Weekday of a local date (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): Weekday {
  return (((((day + 3) % 7) + 7) % 7) + 1) as Weekday;
}

/** The local date, minute and weekday of an instant. */
export function localTime(at: number, timeZone: string): LocalTime {
  const wall = at + offsetMs(at, timeZone);
  const day = Math.floor(wall / DAY_MS);
  return { day, minute: Math.floor((wall - day * DAY_MS) / MINUTE_MS), weekday: weekdayOf(day) };
}

/**
 * The instant a local date and minute (0–1440) happen. A wall time skipped by a spring-forward
 * change is read with the offset from before the change, as `Date` does (02:30 → 03:30 in Paris);
 * a repeated one resolves to one of its two instants.
 */
export function instantOf(day: number, minute: number, timeZone: string): number {
  const wall = day * DAY_MS + minute * MINUTE_MS;
  const first = offsetMs(wall, timeZone);
  const guess = wall - first;
  const second = offsetMs(guess, timeZone);
  if (second === first) return guess;
  const retry = wall - second;
  return offsetMs(retry, timeZone) === second ? retry : wall - Math.min(first, second);
}

/** `YYYY-MM-DD` of a local date. */
export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Local date of `YYYY-MM-DD`, or undefined when it is not a real date. */
export function dayOf(iso: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return undefined;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return isoDate(ms / DAY_MS) === iso ? ms / DAY_MS : undefined;
}

/** Minutes of `HH:MM` (00:00–24:00), or undefined. */
export function minuteOf(hhmm: string): number | undefined {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(hhmm);
  if (!match) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 1440 ? minutes : undefined;
}
