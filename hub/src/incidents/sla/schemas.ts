import { SUPPORT_LEVELS } from '@vigie/shared';
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

const channelId = z
  .templateLiteral(['nch_', z.string()])
  .refine((id) => /^nch_[A-Za-z0-9_-]{1,60}$/.test(id), 'a notification channel id (nch_…)');

/** One escalation step. */
export const escalationStepSchema = z.object({
  waitSec: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400),
  notify: z
    .array(z.union([z.enum(SUPPORT_LEVELS), channelId]))
    .min(1)
    .max(10),
  repeat: z
    .object({
      everySec: z
        .number()
        .int()
        .min(60)
        .max(7 * 86_400),
      times: z.number().int().min(1).max(20),
    })
    .optional(),
});

/** A policy's steps: at most 20 steps, at most 100 notices in all. */
export const escalationStepsSchema = z
  .array(escalationStepSchema)
  .min(1)
  .max(20)
  .refine((steps) => steps.reduce((n, s) => n + 1 + (s.repeat?.times ?? 0), 0) <= 100, 'at most 100 notices');
