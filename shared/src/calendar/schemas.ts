import { z } from 'zod';
import { calendarProblem } from './business-time.js';
import { isTimeZone } from './local-time.js';

const weekday = z.union([
  z.literal(1),
  z.literal(2),
  z.literal(3),
  z.literal(4),
  z.literal(5),
  z.literal(6),
  z.literal(7),
]);
const hhmm = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'HH:MM');

/** `{ days, from, to }` with times as HH:MM (24:00 allowed). */
export const weeklyHoursSchema = z.object({
  days: z.array(weekday).min(1).max(7),
  from: hhmm,
  to: hhmm,
});

/** An IANA time zone the runtime knows. */
export const timeZoneSchema = z.string().min(1).max(64).refine(isTimeZone, 'unknown time zone');

/** A business calendar as stored and as the API takes it. */
export const calendarSchema = z
  .object({
    timezone: timeZoneSchema,
    hours: z.array(weeklyHoursSchema).min(1).max(50),
    holidays: z
      .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'))
      .max(1000)
      .default([]),
  })
  .superRefine((calendar, ctx) => {
    const problem = calendarProblem(calendar);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [problem.split(' ')[0] ?? ''] });
  });
