import { type CheckRule, thresholdProblems } from '@vigie/shared';
import { z } from 'zod';

/** The part of a check rule a probe rule needs: thresholds and durations, always `above`. */
export type ProbeRule = Pick<CheckRule, 'direction' | 'warning' | 'critical' | 'forSec' | 'clearForSec'>;

const seconds = z
  .number()
  .int()
  .min(0)
  .max(7 * 86_400);
const threshold = z.strictObject({ trigger: z.number().min(0), clear: z.number().min(0) });
const rule = z
  .strictObject({
    /** Always `above` (loss and latency are bad when high); accepted so stored rules read back. */
    direction: z.literal('above').optional(),
    warning: threshold.nullable().default(null),
    critical: threshold.nullable().default(null),
    forSec: seconds,
    clearForSec: seconds,
  })
  .superRefine((value, ctx) => {
    for (const problem of thresholdProblems({ ...value, direction: 'above' }))
      ctx.addIssue({ code: 'custom', message: problem });
    if (!value.warning && !value.critical)
      ctx.addIssue({ code: 'custom', message: 'a rule needs a warning or a critical level' });
  })
  .transform((value): ProbeRule => ({ ...value, direction: 'above' }));

/**
 * How a probe's results become check states, with the same trigger/clear/`for` semantics as an
 * agent's local checks: `down` on the loss (0–100 %), `latency` on the round trip (ms), and the
 * days before a certificate's expiry from which `tls.expiry` stages are signalled.
 */
export const probeRulesSchema = z.strictObject({
  down: rule.default({
    direction: 'above',
    warning: null,
    // A TCP connect or an HTTP request is 0 or 100 % loss; a 3-echo ping must lose 2 to count.
    critical: { trigger: 50, clear: 0 },
    forSec: 60,
    clearForSec: 60,
  }),
  latency: rule.nullable().default(null),
  tlsWarnDays: z.number().int().min(0).max(365).default(30),
});
export type ProbeRules = z.output<typeof probeRulesSchema>;

/** The stock rules: down after a minute of failure, no latency rule, TLS from 30 days. */
export const DEFAULT_PROBE_RULES: ProbeRules = probeRulesSchema.parse({});
