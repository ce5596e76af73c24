import { z } from 'zod';
import { REMEDIATION_ACTIONS } from '../../remediation/actions.js';
import { bootId, epochMs, name, optionalName, seq } from '../primitives.js';

/** Why an agent did not run an action it was asked for. */
export const REMEDIATION_REFUSALS = [
  // The machine's admin did not allow this action (or this folder) at install.
  'not-allowed',
  // The parameters failed the agent's checks (unknown unit, folder outside the allowed ones…).
  'invalid-params',
  // The agent's own bound for this check and resource is spent.
  'bound-reached',
  // The agent's own check is not failing: nothing to remediate.
  'not-failing',
  // The action does not exist on this platform (no apt-get nor dnf, no service manager).
  'unsupported',
  // Another attempt is still running.
  'busy',
] as const;
export type RemediationRefusal = (typeof REMEDIATION_REFUSALS)[number];

export const REMEDIATION_OUTCOMES = ['done', 'failed', 'refused'] as const;
export type RemediationOutcome = (typeof REMEDIATION_OUTCOMES)[number];

/**
 * What became of one `remediate`: `done` (the action ran and succeeded — whether it fixed the
 * fault is verified by the hub from the check's next state), `failed` (it ran and failed) or
 * `refused` (not run, with the reason). Sent only to hubs that announced `remediation`.
 */
export const remediationResultSchema = z.object({
  type: z.literal('remediationResult'),
  bootId,
  seq,
  at: epochMs,
  attemptId: z
    .string()
    .min(8)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/),
  check: name,
  resource: optionalName,
  action: z.enum(REMEDIATION_ACTIONS),
  outcome: z.enum(REMEDIATION_OUTCOMES),
  reason: z.enum(REMEDIATION_REFUSALS).optional(),
  /** Figures of the run: files removed, bytes freed, exit code. */
  removedFiles: z.number().int().min(0).optional(),
  freedBytes: z.number().min(0).optional(),
  exitCode: z.number().int().optional(),
  durationMs: z.number().int().min(0).optional(),
});
export type RemediationResultMessage = z.infer<typeof remediationResultSchema>;
