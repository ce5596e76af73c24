import { z } from 'zod';
import { DEFAULT_CHECK_RULES } from '../checks/default-rules.js';
import { checkRulesSchema } from '../checks/rule.js';
import { count, list, name } from '../protocol/primitives.js';

/**
 * What the hub tells an agent to do. The agent keeps the last one it received and applies it
 * while offline; it never executes anything beyond collecting what the policy names.
 */
export const policySchema = z.object({
  /** Increases on every change, so an agent can tell a newer policy from a replay. */
  revision: count,
  /** Fast cycle: CPU, memory, filesystems, disk and network I/O, temperatures, battery. */
  metricsIntervalSec: z.number().int().min(1).max(3600),
  /** Slow cycle: top processes and watched services. */
  processesIntervalSec: z.number().int().min(5).max(86_400),
  /** When the full inventory is collected (node-cron syntax, 5 or 6 fields, agent's local time). */
  inventoryCron: z.string().min(9).max(100),
  /** Service names whose state the agent reports (systemd units, Windows services, launchd labels). */
  services: list(name),
  /**
   * The local check rules. Absent (policies written before checks existed) means the defaults, and
   * kinds the list does not mention keep their default rule too (see `effectiveRules`). Optional
   * rather than defaulted so `Policy` values written before checks existed still type-check.
   */
  checks: checkRulesSchema.optional(),
  /**
   * Install the agent version the hub announces (signed, verified against the key pinned at
   * enrolment, rolled back if it cannot reach the hub). Absent means off: an admin opts in,
   * globally or per client/site/role, so a bad build never reaches a fleet nobody chose to update.
   */
  autoUpdate: z.boolean().optional(),
});
export type Policy = z.infer<typeof policySchema>;

/** The policy every agent starts with until its hub sends one; stock values of mature agents. */
export const DEFAULT_POLICY: Policy = Object.freeze({
  revision: 0,
  metricsIntervalSec: 10,
  processesIntervalSec: 60,
  inventoryCron: '17 3 * * *',
  services: [],
  checks: [...DEFAULT_CHECK_RULES],
});
