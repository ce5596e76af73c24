import { z } from 'zod';
import { path } from '../protocol/primitives.js';
import { REMEDIABLE_CHECKS, REMEDIATION_ACTIONS, type RemediableCheck } from './actions.js';

/** Defaults of a remediation rule's bounds: two attempts per hour, verified two minutes later. */
export const DEFAULT_REMEDIATION = Object.freeze({
  attempts: 2,
  windowSec: 3600,
  verifySec: 120,
  inMaintenance: false,
});

const ruleFields = {
  action: z.enum(REMEDIATION_ACTIONS),
  /** clean-folder: the folder to clean (must be one the machine's admin allowed, or under one). */
  folder: path.optional(),
  /** clean-folder: files older than this many days are deleted. */
  olderThanDays: z.number().int().min(1).max(3650).optional(),
  /** At most this many attempts per check and resource within `windowSec`. */
  attempts: z.number().int().min(1).max(5),
  windowSec: z
    .number()
    .int()
    .min(600)
    .max(7 * 86_400),
  /** How long after an attempt the check must be ok again for N0 to count as a success. */
  verifySec: z.number().int().min(5).max(3600),
  /** Remediate inside a maintenance window too (off by default). */
  inMaintenance: z.boolean(),
};

/** A check kind's remediation as the effective policy holds it (hub side; agents never get it). */
export const remediationRuleSchema = z
  .strictObject(ruleFields)
  .refine((rule) => rule.action !== 'clean-folder' || rule.folder !== undefined, {
    error: 'clean-folder needs a folder',
    path: ['folder'],
  });
export type RemediationRule = z.infer<typeof remediationRuleSchema>;

/** What one layer sets for one check kind; missing keys inherit, `null` removes the remediation. */
const overrideSchema = z.strictObject({
  action: ruleFields.action.optional(),
  folder: ruleFields.folder,
  olderThanDays: ruleFields.olderThanDays,
  attempts: ruleFields.attempts.optional(),
  windowSec: ruleFields.windowSec.optional(),
  verifySec: ruleFields.verifySec.optional(),
  inMaintenance: ruleFields.inMaintenance.optional(),
});
export type RemediationRuleOverride = z.infer<typeof overrideSchema>;

/** A layer's `remediation` key: per remediable check kind, an override or `null`. */
export const remediationLayerSchema = z.strictObject(
  Object.fromEntries(
    Object.keys(REMEDIABLE_CHECKS).map((kind) => [kind, overrideSchema.nullable().optional()]),
  ) as Record<RemediableCheck, z.ZodOptional<z.ZodNullable<typeof overrideSchema>>>,
);
export type RemediationLayer = z.infer<typeof remediationLayerSchema>;

/**
 * A merged override as a rule: the defaults filled in, then checked (an action the check kind
 * cannot use, a clean-folder without a folder). A string is the problem to report.
 */
export function completeRemediationRule(
  kind: RemediableCheck,
  merged: RemediationRuleOverride,
): RemediationRule | string {
  const parsed = remediationRuleSchema.safeParse({ ...DEFAULT_REMEDIATION, ...merged });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'invalid remediation'}`;
  }
  const allowed: readonly string[] = REMEDIABLE_CHECKS[kind];
  if (!allowed.includes(parsed.data.action)) return `action: ${parsed.data.action} does not answer ${kind}`;
  return parsed.data;
}
