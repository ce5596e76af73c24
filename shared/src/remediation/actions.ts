import { z } from 'zod';
import { name, path } from '../protocol/primitives.js';

/**
 * The fixed catalogue of N0 actions an agent can run (decision 0029). No scripts, no shell: each
 * action is typed and its parameters are validated again on the machine before it runs.
 */
export const REMEDIATION_ACTIONS = ['restart-service', 'clean-folder', 'clear-package-cache'] as const;
export type RemediationAction = (typeof REMEDIATION_ACTIONS)[number];

/** Check kinds a remediation may answer, and the actions that make sense for each. */
export const REMEDIABLE_CHECKS = {
  'service.down': ['restart-service'],
  'fs.usage': ['clean-folder', 'clear-package-cache'],
  'fs.inodes': ['clean-folder'],
  'fs.forecast': ['clean-folder', 'clear-package-cache'],
} as const satisfies Record<string, readonly RemediationAction[]>;
export type RemediableCheck = keyof typeof REMEDIABLE_CHECKS;

export function isRemediableCheck(value: string): value is RemediableCheck {
  return Object.hasOwn(REMEDIABLE_CHECKS, value);
}

/** Parameters of an action: a folder and an age for `clean-folder`, nothing for the others. */
export const remediationParamsSchema = z.strictObject({
  folder: path.optional(),
  olderThanDays: z.number().int().min(1).max(3650).optional(),
});
export type RemediationParams = z.infer<typeof remediationParamsSchema>;

/** Hard ceilings the agent applies whatever the hub asks (a compromised hub cannot raise them). */
export const REMEDIATION_LIMITS = {
  /** Attempts per check and resource within `windowSec`, at most. */
  maxAttempts: 5,
  /** The shortest window the attempts are counted over. */
  minWindowSec: 600,
  /** Files one clean-folder run looks at, at most (deleted or not). */
  maxFilesVisited: 20_000,
  /** Folder depth one clean-folder run descends, at most. */
  maxDepth: 16,
  /** How long one action may run before it is killed. */
  actionTimeoutMs: 60_000,
} as const;

/** A unit, service or launchd label: no path separators, no option-looking names. */
export const serviceUnitName = name.regex(/^[A-Za-z0-9@._:-]+$/).refine((v) => !v.startsWith('-'), {
  error: 'a unit name cannot start with -',
});
