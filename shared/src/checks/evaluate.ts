import { CHECK_STATE_RANK, type CheckState } from '../domain/check-state.js';
import { type CheckRule, isCleared, isTriggered, RULE_LEVELS, type RuleLevel } from './rule.js';

/** One reading for a rule: `value` null means the data is missing this time. */
export interface Observation {
  readonly value: number | null;
  readonly at: number;
}

/** What the evaluator remembers between readings of one (rule, resource). */
export interface RuleState {
  /** The state last reported. */
  readonly state: CheckState;
  /** Per level worse than `state`: since when its trigger condition has held without a break. */
  readonly triggeredSince: Readonly<Partial<Record<RuleLevel, number>>>;
  /** Since when `state`'s own level has been back past its clear threshold without a break. */
  readonly clearedSince?: number;
  /** The last value seen (a gap keeps it). */
  readonly lastValue: number | null;
  /** Last time a value (not a gap) was seen. */
  readonly lastSeenAt?: number;
  /** Since when readings have been missing; a later staleness rule can time out on it. */
  readonly missingSince?: number;
}

/** A state change to report. */
export interface StateChange {
  readonly from: CheckState;
  readonly to: CheckState;
  readonly value: number | null;
  /** The trigger threshold crossed on the way up, or the clear threshold crossed on the way down. */
  readonly threshold: number | null;
}

export interface Evaluation {
  readonly state: RuleState;
  readonly change?: StateChange;
}

/** The state of a rule never evaluated. */
export const INITIAL_RULE_STATE: RuleState = Object.freeze({
  state: 'ok',
  triggeredSince: Object.freeze({}),
  lastValue: null,
});

type RuleShape = Pick<CheckRule, 'direction' | 'warning' | 'critical' | 'forSec' | 'clearForSec'>;

const rank = (state: CheckState) => CHECK_STATE_RANK[state];

/**
 * Folds one reading into a rule's state. Pure: the clock is `now`, the only input besides the rule,
 * the reading and the previous state. A level is raised once its trigger condition has held for its
 * `forSec` (escalation too), lowered once the value has been back past the current level's clear
 * threshold for `clearForSec` (de-escalation too). A gap (null value) neither starts nor breaks a
 * duration: conditions are judged on the readings there are.
 */
export function evaluateRule(
  rule: RuleShape,
  observation: Observation,
  previous: RuleState | undefined,
  now: number,
): Evaluation {
  const prev = previous ?? INITIAL_RULE_STATE;
  const { value, at } = observation;
  if (value === null) {
    return { state: { ...prev, missingSince: prev.missingSince ?? at } };
  }

  const current = prev.state;
  const triggeredSince: Partial<Record<RuleLevel, number>> = {};
  for (const level of RULE_LEVELS) {
    const threshold = rule[level];
    if (!threshold || rank(level) <= rank(current) || !isTriggered(rule.direction, threshold, value))
      continue;
    triggeredSince[level] = prev.triggeredSince[level] ?? at;
  }
  const ownThreshold = current === 'ok' ? null : rule[current];
  // A level whose threshold the policy removed counts as cleared: the state must be able to leave it.
  const ownCleared = current !== 'ok' && (!ownThreshold || isCleared(rule.direction, ownThreshold, value));
  const clearedSince = ownCleared ? (prev.clearedSince ?? at) : undefined;
  const seen = { lastValue: value, lastSeenAt: at };

  const escalateTo = [...RULE_LEVELS].reverse().find((level) => {
    const since = triggeredSince[level];
    return since !== undefined && now - since >= levelForMs(rule, level);
  });
  if (escalateTo) {
    const remaining = Object.fromEntries(
      Object.entries(triggeredSince).filter(([level]) => rank(level as RuleLevel) > rank(escalateTo)),
    );
    return {
      state: { state: escalateTo, triggeredSince: remaining, ...seen },
      change: { from: current, to: escalateTo, value, threshold: rule[escalateTo]?.trigger ?? null },
    };
  }

  if (clearedSince !== undefined && now - clearedSince >= rule.clearForSec * 1000) {
    // Lower to the worst level still held: a level below the current one holds until its own clear.
    const to: CheckState =
      [...RULE_LEVELS].reverse().find((level) => rank(level) < rank(current) && holds(rule, level, value)) ??
      'ok';
    const retained = Object.fromEntries(
      Object.entries(triggeredSince).filter(([level]) => rank(level as RuleLevel) > rank(to)),
    );
    return {
      state: { state: to, triggeredSince: retained, ...seen },
      change: { from: current, to, value, threshold: ownThreshold?.clear ?? null },
    };
  }

  return {
    state: {
      state: current,
      triggeredSince,
      ...(clearedSince !== undefined && { clearedSince }),
      ...seen,
    },
  };
}

function levelForMs(rule: RuleShape, level: RuleLevel): number {
  return (rule[level]?.forSec ?? rule.forSec) * 1000;
}

function holds(rule: RuleShape, level: RuleLevel, value: number): boolean {
  const threshold = rule[level];
  return threshold !== null && !isCleared(rule.direction, threshold, value);
}
