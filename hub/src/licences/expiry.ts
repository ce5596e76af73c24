import { z } from 'zod';
import type { Scale } from '../incidents/engine/settings.js';
import type { Severity } from '../incidents/engine/types.js';

/** Days before an expiry at which a ticket is raised (or raised in priority). */
export const DEFAULT_EXPIRY_STAGES = [90, 30, 7, 0] as const;

const DAY_MS = 86_400_000;

/** Where an item stands: the stage it reached and the whole days left (negative once expired). */
export interface ExpiryStage {
  readonly stage: number;
  readonly daysLeft: number;
}

/**
 * The stage an expiry date has reached at `now`: the smallest stage not below the days left
 * (6 days left → the 7-day stage; expired → the 0 stage). Undefined before the first stage.
 */
export function expiryStage(
  expiresAt: number,
  now: number,
  stages: readonly number[] = DEFAULT_EXPIRY_STAGES,
): ExpiryStage | undefined {
  const daysLeft = Math.ceil((expiresAt - now) / DAY_MS);
  const reached = stages.filter((s) => daysLeft <= s);
  if (reached.length === 0) return undefined;
  return { stage: Math.min(...reached), daysLeft };
}

/** A warning while a month or more is left; critical (a higher priority) from a week out. */
export function expirySeverity(stage: number): Severity {
  return stage <= 7 ? 'critical' : 'warning';
}

/**
 * Impact of an expiry with no host to judge it by: it grows as the date nears, so the ticket
 * opened at 90 days is low priority and its priority rises when it turns critical at 7 days.
 */
export function expiryImpact(stage: number): Scale {
  if (stage <= 0) return 4;
  if (stage <= 7) return 3;
  return stage <= 30 ? 2 : 1;
}

/** The ticket's text for a stage. */
export function expiryMessage(what: string, at: ExpiryStage): string {
  if (at.daysLeft < 0) return `${what} expired ${-at.daysLeft} day(s) ago`;
  if (at.daysLeft === 0) return `${what} expires today`;
  return `${what} expires in ${at.daysLeft} day(s) (${at.stage}-day stage)`;
}

/** Stages as an admin gives them per item: whole days, at most 8, any order. */
export const expiryStagesSchema = z
  .array(z.number().int().min(0).max(3650))
  .min(1)
  .max(8)
  .transform((days) => [...new Set(days)].sort((a, b) => b - a));

/** An item's own stages (stored as JSON), or the defaults when it has none or they are unreadable. */
export function stagesOf(stored: string | null): readonly number[] {
  if (stored === null) return DEFAULT_EXPIRY_STAGES;
  try {
    const parsed = expiryStagesSchema.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : DEFAULT_EXPIRY_STAGES;
  } catch {
    return DEFAULT_EXPIRY_STAGES;
  }
}
