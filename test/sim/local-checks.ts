import {
  type CheckRule,
  type CheckState,
  effectiveRules,
  evaluateRule,
  type RuleKind,
  type RuleState,
  ruleAppliesTo,
  type Sample,
} from '@vigie/shared';

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
 * A lean copy of the agent's local checks for the metrics a `breach` can push (CPU, memory, swap,
 * filesystem usage), with the same shared evaluator and the policy's rules, so a breach reaches the
 * hub as a real agent would report it: after the rule's `forSec`, not the instant the value jumps.
 * fs.usage compares the used percentage only (the agent also applies a free-space floor).
 */
export function createSimLocalChecks(policyRules: readonly CheckRule[] | undefined): SimLocalChecks {
  const rules = effectiveRules(policyRules);
  const states = new Map<string, RuleState>();
  const ruleFor = (kind: RuleKind, resource: string) =>
    rules.find((rule) => rule.kind === kind && rule.enabled && ruleAppliesTo(rule, resource));

  return {
    evaluate(sample, now) {
      const observations: { kind: RuleKind; resource: string; value: number }[] = [];
      if (sample.cpu) observations.push({ kind: 'cpu.busy', resource: '', value: sample.cpu.usagePct });
      if (sample.memory) {
        observations.push({ kind: 'memory.pressure', resource: '', value: sample.memory.usedPct });
        if (sample.memory.swapTotalBytes > 0)
          observations.push({ kind: 'swap.pressure', resource: '', value: sample.memory.swapUsedPct });
      }
      for (const fs of sample.filesystems ?? [])
        observations.push({ kind: 'fs.usage', resource: fs.mount, value: fs.usedPct });

      const changes: SimCheckChange[] = [];
      for (const { kind, resource, value } of observations) {
        const rule = ruleFor(kind, resource);
        if (!rule) continue;
        const key = `${kind}\u0000${resource}`;
        const { state, change } = evaluateRule(rule, { value, at: sample.at }, states.get(key), now);
        states.set(key, state);
        if (!change) continue;
        changes.push({
          check: kind,
          ...(resource !== '' && { resource }),
          state: change.to,
          previous: change.from,
          value: change.value,
          threshold: change.threshold,
        });
      }
      return changes;
    },
  };
}
