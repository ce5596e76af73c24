import { createLocalChecks } from '@vigie/agent/checks';
import type { CheckRule, CheckState, Sample } from '@vigie/shared';

/** A state change the simulated agent reports in a `checkState` message. */
export interface SimCheckChange {
  /** A rule kind, or any check kind a `flap` names. */
  readonly check: string;
  readonly resource?: string;
  readonly state: CheckState;
  readonly previous: CheckState;
  readonly value: number | null;
  readonly threshold: number | null;
}

/** The checks a simulated agent evaluates on its own samples, as the real agent does. */
export interface SimLocalChecks {
  evaluate(sample: Sample, now: number): SimCheckChange[];
}

/**
 * The agent's own local checks (`@vigie/agent/checks`, its built code) on the simulated samples,
 * with the policy's rules: a `breach` reaches the hub exactly as a real agent would report it
 * (after the rule's `forSec`, with the agent's free-space floor and every kind it checks), so the
 * fault → ticket figures measure the agent's path, not a copy of it.
 */
export function createSimLocalChecks(policyRules: readonly CheckRule[] | undefined): SimLocalChecks {
  const checks = createLocalChecks(policyRules ? { rules: policyRules } : {});
  return {
    evaluate: (sample, now) =>
      checks.evaluate(sample, now).map((change) => ({
        check: change.check,
        ...(change.resource !== undefined && { resource: change.resource }),
        state: change.state,
        previous: change.previous,
        value: change.value,
        threshold: change.threshold,
      })),
  };
}
