import { readFileSync } from 'node:fs';
import { checkRuleSchema, DEFAULT_POLICY, LIMITS, type Policy, policySchema } from '@vigie/shared';
import { z } from 'zod';

/** At most this many bytes of policy file: a policy travels in every welcome frame. */
const MAX_POLICY_FILE_BYTES = 256 * 1024;

/**
 * What an admin may set in the hub's policy file (`--policy`), each key checked with the wire
 * schema's own piece. Rules of a kind the hub does not know are refused here rather than dropped
 * as the wire schema does for an older agent: a typo in the hub's own file must not go unnoticed.
 */
export const policyOverridesSchema = z.strictObject({
  metricsIntervalSec: policySchema.shape.metricsIntervalSec.optional(),
  processesIntervalSec: policySchema.shape.processesIntervalSec.optional(),
  services: policySchema.shape.services.optional(),
  checks: z.array(checkRuleSchema).max(LIMITS.maxListItems).optional(),
  autoUpdate: policySchema.shape.autoUpdate,
});
export type PolicyOverrides = z.infer<typeof policyOverridesSchema>;

export type PolicyFileResult = { ok: true; overrides: PolicyOverrides } | { ok: false; message: string };

/** Read and validate a policy file; the message names the file and the key at fault. */
export function readPolicyFile(path: string): PolicyFileResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, message: `policy file ${path}: ${(error as Error).message}` };
  }
  if (Buffer.byteLength(text) > MAX_POLICY_FILE_BYTES)
    return { ok: false, message: `policy file ${path}: larger than ${MAX_POLICY_FILE_BYTES} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `policy file ${path}: not JSON: ${(error as Error).message}` };
  }
  const parsed = policyOverridesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.join('.') || keysOf(issue) || '(top level)';
    return { ok: false, message: `policy file ${path}: ${key}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, overrides: parsed.data };
}

// An unknown top-level key has an empty path; its name is in the issue itself.
function keysOf(issue: z.core.$ZodIssue | undefined): string {
  return issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : '';
}

/**
 * The policy sent to agents in `welcome`: the defaults, then the policy file, then the metrics
 * interval the configuration settled on (which already took the file's value into account).
 */
export function hubPolicy(config: {
  metricsIntervalSec: number;
  policy?: PolicyOverrides | undefined;
}): Policy {
  const { checks, ...intervals } = config.policy ?? {};
  return {
    ...DEFAULT_POLICY,
    ...intervals,
    ...(checks === undefined ? {} : { checks }),
    metricsIntervalSec: config.metricsIntervalSec,
  };
}
