import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CheckState } from '../domain/check-state.js';
import { type Evaluation, evaluateRule, type RuleState } from './evaluate.js';
import { type CheckRule, isCleared, isTriggered } from './rule.js';

type Rule = Pick<CheckRule, 'direction' | 'warning' | 'critical' | 'forSec' | 'clearForSec'>;

const CPU: Rule = {
  direction: 'above',
  warning: { trigger: 90, clear: 80 },
  critical: { trigger: 98, clear: 90 },
  forSec: 60,
  clearForSec: 30,
};
const BATTERY: Rule = {
  direction: 'below',
  warning: { trigger: 60, clear: 65 },
  critical: null,
  forSec: 20,
  clearForSec: 20,
};

/** Feeds `[second, value]` readings through the evaluator; returns each change as `second:from>to`. */
function run(rule: Rule, readings: ReadonlyArray<readonly [number, number | null]>) {
  let state: RuleState | undefined;
  const changes: string[] = [];
  const evaluations: Evaluation[] = [];
  for (const [second, value] of readings) {
    const at = second * 1000;
    const result = evaluateRule(rule, { value, at }, state, at);
    state = result.state;
    evaluations.push(result);
    if (result.change) changes.push(`${second}:${result.change.from}>${result.change.to}`);
  }
  return { changes, state, evaluations };
}

/** One reading every 10 s from `from` to `to` inclusive, all equal to `value`. */
const steady = (from: number, to: number, value: number | null) =>
  Array.from({ length: (to - from) / 10 + 1 }, (_, i) => [from + i * 10, value] as const);

describe('evaluateRule', () => {
  const cases: ReadonlyArray<{
    name: string;
    rule: Rule;
    readings: ReadonlyArray<readonly [number, number | null]>;
    changes: string[];
  }> = [
    {
      name: 'a blip shorter than forSec changes nothing',
      rule: CPU,
      readings: [...steady(0, 50, 95), ...steady(60, 200, 50)],
      changes: [],
    },
    {
      name: 'a sustained breach raises warning exactly at forSec',
      rule: CPU,
      readings: steady(0, 120, 95),
      changes: ['60:ok>warning'],
    },
    {
      name: 'a value flapping inside the hysteresis band does not clear',
      rule: CPU,
      readings: [
        ...steady(0, 60, 95),
        ...[70, 80, 90, 100, 110, 120].map((s, i) => [s, i % 2 ? 92 : 85] as const),
      ],
      changes: ['60:ok>warning'],
    },
    {
      name: 'a recovery shorter than clearForSec keeps the state',
      rule: CPU,
      readings: [...steady(0, 60, 95), ...steady(70, 90, 50), ...steady(100, 150, 95)],
      changes: ['60:ok>warning'],
    },
    {
      name: 'a sustained recovery clears exactly at clearForSec',
      rule: CPU,
      readings: [...steady(0, 60, 95), ...steady(70, 120, 50)],
      changes: ['60:ok>warning', '100:warning>ok'],
    },
    {
      name: 'warning, then critical once the worse condition held for forSec',
      rule: CPU,
      readings: [...steady(0, 60, 95), ...steady(70, 140, 99)],
      changes: ['60:ok>warning', '130:warning>critical'],
    },
    {
      name: 'critical directly when both thresholds are crossed from the start',
      rule: CPU,
      readings: steady(0, 70, 99),
      changes: ['60:ok>critical'],
    },
    {
      name: 'critical de-escalates to warning after clearForSec inside the warning band',
      rule: CPU,
      readings: [...steady(0, 60, 99), ...steady(70, 120, 85)],
      changes: ['60:ok>critical', '100:critical>warning'],
    },
    {
      name: 'critical falls straight to ok when the value is back below every clear threshold',
      rule: CPU,
      readings: [...steady(0, 60, 99), ...steady(70, 120, 10)],
      changes: ['60:ok>critical', '100:critical>ok'],
    },
    {
      name: 'a below-direction rule (battery health) warns under its trigger and clears above its clear',
      rule: BATTERY,
      readings: [...steady(0, 30, 55), ...steady(40, 60, 62), ...steady(70, 100, 70)],
      changes: ['20:ok>warning', '90:warning>ok'],
    },
    {
      name: 'missing readings neither start nor break a duration',
      rule: CPU,
      readings: [
        [0, 95],
        [20, null],
        [40, null],
        [60, 95],
        [70, null],
        [80, 50],
        [90, null],
        [110, 50],
      ],
      changes: ['60:ok>warning', '110:warning>ok'],
    },
    {
      name: 'no data at all keeps ok',
      rule: CPU,
      readings: steady(0, 300, null),
      changes: [],
    },
    {
      name: 'forSec 0 fires on the first reading past the trigger',
      rule: { ...CPU, forSec: 0 },
      readings: [
        [0, 50],
        [10, 91],
      ],
      changes: ['10:ok>warning'],
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      expect(run(c.rule, c.readings).changes).toEqual(c.changes);
    });
  }

  it('uses a level forSec override for critical', () => {
    const rule: Rule = { ...CPU, critical: { trigger: 98, clear: 90, forSec: 120 } };
    expect(run(rule, steady(0, 200, 99)).changes).toEqual(['60:ok>warning', '120:warning>critical']);
  });

  it('reports the value and the threshold crossed: trigger on the way up, clear on the way down', () => {
    const { evaluations } = run(CPU, [...steady(0, 60, 95), ...steady(70, 100, 50)]);
    const changes = evaluations.flatMap((e) => (e.change ? [e.change] : []));
    expect(changes).toEqual([
      { from: 'ok', to: 'warning', value: 95, threshold: 90 },
      { from: 'warning', to: 'ok', value: 50, threshold: 80 },
    ]);
  });

  it('notes since when data is missing, and forgets it when a value comes back', () => {
    const gap = run(CPU, [
      [0, 50],
      [10, null],
      [20, null],
    ]).state;
    expect(gap).toMatchObject({ missingSince: 10_000, lastSeenAt: 0, lastValue: 50 });
    const back = run(CPU, [
      [0, 50],
      [10, null],
      [20, 60],
    ]).state;
    expect(back?.missingSince).toBeUndefined();
  });

  it('judges durations on `now`, not on the reading time', () => {
    const first = evaluateRule(CPU, { value: 95, at: 0 }, undefined, 0);
    expect(evaluateRule(CPU, { value: 95, at: 1_000 }, first.state, 59_999).change).toBeUndefined();
    expect(evaluateRule(CPU, { value: 95, at: 1_000 }, first.state, 60_000).change?.to).toBe('warning');
  });
});

describe('evaluateRule, property', () => {
  const rules = fc.constantFrom<Rule>(CPU, BATTERY, { ...CPU, forSec: 0, clearForSec: 0 });
  const readings = fc.array(
    fc.record({
      gapSec: fc.integer({ min: 1, max: 40 }),
      value: fc.option(fc.integer({ min: 0, max: 100 })),
    }),
    { maxLength: 80 },
  );

  it('changes state only after the condition held for at least the rule duration', () => {
    fc.assert(
      fc.property(rules, readings, (rule, steps) => {
        let at = 0;
        const seen: Array<{ at: number; value: number }> = [];
        let state: RuleState | undefined;
        for (const step of steps) {
          at += step.gapSec * 1000;
          const { state: next, change } = evaluateRule(rule, { value: step.value, at }, state, at);
          if (step.value !== null) seen.push({ at, value: step.value });
          if (change) {
            const worse = rankOf(change.to) > rankOf(change.from);
            const level = worse ? change.to : change.from;
            const threshold = level === 'ok' ? null : rule[level];
            if (!threshold) return false;
            const holds = (value: number) =>
              worse
                ? isTriggered(rule.direction, threshold, value)
                : isCleared(rule.direction, threshold, value);
            const needMs = (worse ? (threshold.forSec ?? rule.forSec) : rule.clearForSec) * 1000;
            // Some reading at least `needMs` ago started a run of readings that all satisfied it.
            let start = seen.length;
            while (start > 0 && holds(seen[start - 1]!.value)) start -= 1;
            if (start === seen.length || at - seen[start]!.at < needMs) return false;
          }
          state = next;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});

function rankOf(state: CheckState): number {
  return { ok: 0, warning: 1, critical: 2 }[state];
}
