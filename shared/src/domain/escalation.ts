import { z } from 'zod';
import { SUPPORT_LEVELS, type SupportLevel } from './incident.js';

// Escalation policies' steps, as the hub stores them and its API takes them.

/** Who a step notifies: a support level's channels, or one notification channel by id. */
export type EscalationTarget = SupportLevel | `nch_${string}`;

/** One step of an escalation policy; `waitSec` counts from the previous step's last notice. */
export interface EscalationStep {
  readonly waitSec: number;
  readonly notify: readonly EscalationTarget[];
  /** Notify again every `everySec`, `times` more times, unless acknowledged meanwhile. */
  readonly repeat?: { readonly everySec: number; readonly times: number } | undefined;
}

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
