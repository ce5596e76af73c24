import { readFileSync } from 'node:fs';
import { type EscalationStep, escalationStepsSchema, SUPPORT_LEVELS } from '@vigie/shared';
import { z } from 'zod';
import { DEFAULT_SLA_SETTINGS, type SlaSettings } from './settings.js';

const ms = z
  .number()
  .int()
  .min(60_000)
  .max(365 * 86_400_000);
const target = z.object({ ownMs: ms, resolveMs: ms }).strict();

/** `--sla-rules`: any subset, replacing the defaults it names (targets per priority merge). */
const overridesSchema = z
  .object({
    targets: z.partialRecord(z.enum(['1', '2', '3', '4', '5', '6']), target),
    warnRatio: z.number().min(0.05).max(0.99),
    escalation: z.partialRecord(z.enum(SUPPORT_LEVELS), escalationStepsSchema),
  })
  .partial()
  .strict();

export type SlaSettingsResult = { ok: true; settings: SlaSettings } | { ok: false; message: string };

/** SLA settings from JSON text or `@file.json`, over the defaults. */
export function parseSlaSettings(source: string | undefined): SlaSettingsResult {
  if (source === undefined || source.trim() === '') return { ok: true, settings: DEFAULT_SLA_SETTINGS };
  let json: unknown;
  try {
    json = JSON.parse(source.startsWith('@') ? readFileSync(source.slice(1), 'utf8') : source);
  } catch (error) {
    return { ok: false, message: `SLA rules are not readable JSON: ${(error as Error).message}` };
  }
  const parsed = overridesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `SLA rules: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}` };
  }
  const { targets, warnRatio, escalation } = parsed.data;
  return {
    ok: true,
    settings: Object.freeze({
      targets: { ...DEFAULT_SLA_SETTINGS.targets, ...targets },
      warnRatio: warnRatio ?? DEFAULT_SLA_SETTINGS.warnRatio,
      escalation: {
        ...DEFAULT_SLA_SETTINGS.escalation,
        ...(escalation as Partial<Record<(typeof SUPPORT_LEVELS)[number], EscalationStep[]>>),
      },
    }),
  };
}
