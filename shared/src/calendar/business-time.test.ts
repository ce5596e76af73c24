import { describe, expect, it } from 'vitest';
import {
  ALWAYS_OPEN,
  addBusinessTime,
  type BusinessCalendar,
  businessTimeBetween,
  calendarProblem,
  isBusinessTime,
} from './business-time.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (iso: string) => Date.parse(iso);

const OFFICE: BusinessCalendar = {
  timezone: 'Europe/Paris',
  hours: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' }],
  holidays: ['2026-12-25'],
};
const EVERY_DAY: BusinessCalendar = {
  timezone: 'Europe/Paris',
  hours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '08:00', to: '20:00' }],
  holidays: [],
};
const SUNDAYS: BusinessCalendar = {
  timezone: 'Europe/Paris',
  hours: [{ days: [7], from: '00:00', to: '24:00' }],
  holidays: [],
};
const NIGHTS: BusinessCalendar = {
  timezone: 'Europe/Paris',
  hours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '22:00', to: '06:00' }],
  holidays: [],
};

describe('addBusinessTime', () => {
  it.each([
    ['24×7 is plain arithmetic', ALWAYS_OPEN, '2026-11-27T16:50:00Z', 30 * MIN, '2026-11-27T17:20:00Z'],
    [
      'Friday 17:50 + 30 min in 8–18 Mon–Fri is Monday 08:20',
      OFFICE,
      '2026-11-27T17:50:00+01:00',
      30 * MIN,
      '2026-11-30T08:20:00+01:00',
    ],
    ['within the day', OFFICE, '2026-11-25T09:00:00+01:00', 2 * HOUR, '2026-11-25T11:00:00+01:00'],
    [
      'started before opening counts from opening',
      OFFICE,
      '2026-11-25T06:00:00+01:00',
      30 * MIN,
      '2026-11-25T08:30:00+01:00',
    ],
    [
      'overnight: Tuesday 17:00 + 2 h is Wednesday 09:00',
      OFFICE,
      '2026-11-24T17:00:00+01:00',
      2 * HOUR,
      '2026-11-25T09:00:00+01:00',
    ],
    [
      'weekend skipped: Saturday counts from Monday 08:00',
      OFFICE,
      '2026-11-28T10:00:00+01:00',
      HOUR,
      '2026-11-30T09:00:00+01:00',
    ],
    [
      'holiday skipped: Thursday 24 Dec 17:00 + 2 h is Monday 28 Dec 09:00',
      OFFICE,
      '2026-12-24T17:00:00+01:00',
      2 * HOUR,
      '2026-12-28T09:00:00+01:00',
    ],
    [
      'exactly the rest of the day ends at closing',
      OFFICE,
      '2026-11-25T17:00:00+01:00',
      HOUR,
      '2026-11-25T18:00:00+01:00',
    ],
    [
      'DST spring forward: Saturday 19:00 + 2 h is Sunday 09:00 CEST',
      EVERY_DAY,
      '2026-03-28T19:00:00+01:00',
      2 * HOUR,
      '2026-03-29T09:00:00+02:00',
    ],
    [
      'DST autumn: Saturday 19:00 + 2 h is Sunday 09:00 CET',
      EVERY_DAY,
      '2026-10-24T19:00:00+02:00',
      2 * HOUR,
      '2026-10-25T09:00:00+01:00',
    ],
    [
      'night shift crossing midnight',
      NIGHTS,
      '2026-11-25T23:00:00+01:00',
      3 * HOUR,
      '2026-11-26T02:00:00+01:00',
    ],
    [
      'night shift: morning start waits for the evening',
      NIGHTS,
      '2026-11-25T05:00:00+01:00',
      2 * HOUR,
      '2026-11-25T23:00:00+01:00',
    ],
  ])('%s', (_name, calendar, start, duration, due) => {
    expect(new Date(addBusinessTime(at(start), duration, calendar)).toISOString()).toBe(
      new Date(at(due)).toISOString(),
    );
  });
});

describe('businessTimeBetween', () => {
  it.each([
    ['24×7', ALWAYS_OPEN, '2026-11-25T00:00:00Z', '2026-11-26T00:00:00Z', 24 * HOUR],
    [
      'Friday 17:00 to Monday 09:00 in office hours',
      OFFICE,
      '2026-11-27T17:00:00+01:00',
      '2026-11-30T09:00:00+01:00',
      2 * HOUR,
    ],
    ['a week of office hours', OFFICE, '2026-11-23T00:00:00+01:00', '2026-11-30T00:00:00+01:00', 50 * HOUR],
    [
      'the DST spring Sunday has 23 hours',
      SUNDAYS,
      '2026-03-28T12:00:00+01:00',
      '2026-03-30T12:00:00+02:00',
      23 * HOUR,
    ],
    [
      'the DST autumn Sunday has 25 hours',
      SUNDAYS,
      '2026-10-24T12:00:00+02:00',
      '2026-10-26T12:00:00+01:00',
      25 * HOUR,
    ],
    ['holiday counts nothing', OFFICE, '2026-12-25T00:00:00+01:00', '2026-12-26T00:00:00+01:00', 0],
    ['overnight window', NIGHTS, '2026-11-25T12:00:00+01:00', '2026-11-26T12:00:00+01:00', 8 * HOUR],
    ['reversed is zero', OFFICE, '2026-11-26T12:00:00+01:00', '2026-11-25T12:00:00+01:00', 0],
  ])('%s', (_name, calendar, a, b, expected) => {
    expect(businessTimeBetween(at(a), at(b), calendar)).toBe(expected);
  });

  it('undoes addBusinessTime', () => {
    const start = at('2026-11-27T17:50:00+01:00');
    const due = addBusinessTime(start, 30 * HOUR, OFFICE);
    expect(businessTimeBetween(start, due, OFFICE)).toBe(30 * HOUR);
  });
});

describe('calendars', () => {
  it('knows when the clocks run', () => {
    expect(isBusinessTime(at('2026-11-27T17:59:00+01:00'), OFFICE)).toBe(true);
    expect(isBusinessTime(at('2026-11-27T18:00:00+01:00'), OFFICE)).toBe(false);
    expect(isBusinessTime(at('2026-12-25T10:00:00+01:00'), OFFICE)).toBe(false);
    expect(isBusinessTime(at('2026-11-26T03:00:00+01:00'), NIGHTS)).toBe(true);
  });

  it('refuses a calendar that never opens or has a bad date', () => {
    expect(calendarProblem(OFFICE)).toBeUndefined();
    expect(calendarProblem({ ...OFFICE, hours: [] })).toBe('hours must open at least once a week');
    expect(calendarProblem({ ...OFFICE, holidays: ['2026-02-30'] })).toBe(
      'holidays.0 must be a date YYYY-MM-DD',
    );
    expect(calendarProblem({ ...OFFICE, hours: [{ days: [1], from: '8h', to: '18:00' }] })).toBe(
      'hours.0.from must be HH:MM',
    );
  });
});
