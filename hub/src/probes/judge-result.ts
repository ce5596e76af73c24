import { evaluateRule, type RuleState } from '@vigie/shared';
import type { ProbeRules } from './rules.js';

/** One agent's rule states for one probe. */
export interface ProberStates {
  readonly down: RuleState | undefined;
  readonly latency: RuleState | undefined;
}

/** The figures of a result the rules look at. */
export interface JudgedResult {
  readonly at: number;
  readonly outcome: 'ok' | 'fail';
  readonly lossPct: number;
  readonly latencyMs: number | null;
}

/**
 * Fold one result into an agent's rule states. Durations run on that agent's own clock (`at` of
 * its results), so a backlog replayed after an outage is judged as it happened. A failed run is 100 %
 * loss whatever the runner said; its latency is missing, not zero.
 */
export function foldResult(rules: ProbeRules, previous: ProberStates, result: JudgedResult): ProberStates {
  const loss = result.outcome === 'fail' ? 100 : result.lossPct;
  const down = evaluateRule(rules.down, { value: loss, at: result.at }, previous.down, result.at).state;
  const latency = rules.latency
    ? evaluateRule(
        rules.latency,
        { value: result.outcome === 'ok' ? result.latencyMs : null, at: result.at },
        previous.latency,
        result.at,
      ).state
    : undefined;
  return { down, latency };
}
