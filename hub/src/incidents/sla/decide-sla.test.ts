import { ALWAYS_OPEN } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { clockFromStart, resumeClock, retargetClock, startClock } from './clocks.js';
import { decideSla, type SlaFacts, slaView } from './decide-sla.js';
import { parseSlaSettings } from './parse-settings.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 10, 25, 12);
const clock = (targetMs: number) => ({
  ...startClock(targetMs, T0, 0.75, ALWAYS_OPEN),
  warnedAt: null,
  breachedAt: null,
});
const facts = (over: Partial<SlaFacts> = {}): SlaFacts => ({
  open: true,
  owned: false,
  recovered: false,
  pausedSince: null,
  priority: 3,
  level: 'N1',
  own: clock(2 * HOUR),
  resolve: clock(24 * HOUR),
  ownedAt: null,
  resolvedAt: null,
  ...over,
});

describe('decideSla', () => {
  it.each([
    ['nothing before 75 %', facts(), T0 + 89 * MIN, []],
    [
      'warns at 75 % of the time to own',
      facts(),
      T0 + 90 * MIN,
      [
        {
          kind: 'warn',
          clock: 'own',
          escalateTo: null,
          reason: '75 % of time to own of P3 (2 h) used at N1',
        },
      ],
    ],
    [
      'escalates at 100 %',
      facts({ own: { ...clock(2 * HOUR), warnedAt: T0 } }),
      T0 + 2 * HOUR,
      [{ kind: 'breach', clock: 'own', escalateTo: 'N2', reason: 'time to own of P3 (2 h) passed at N1' }],
    ],
    [
      'at N3 there is no level above',
      facts({ level: 'N3', priority: 5, own: clock(15 * MIN) }),
      T0 + 15 * MIN,
      [{ kind: 'breach', clock: 'own', escalateTo: null, reason: 'time to own of P5 (15 min) passed at N3' }],
    ],
    [
      'an owned incident only runs the time to resolve',
      facts({ owned: true }),
      T0 + 18 * HOUR,
      [
        {
          kind: 'warn',
          clock: 'resolve',
          escalateTo: null,
          reason: '75 % of time to resolve of P3 (1 day) used at N1',
        },
      ],
    ],
    [
      'one escalation per pass',
      facts(),
      T0 + 30 * HOUR,
      [{ kind: 'breach', clock: 'own', escalateTo: 'N2', reason: 'time to own of P3 (2 h) passed at N1' }],
    ],
    ['paused clocks decide nothing', facts({ pausedSince: T0 }), T0 + 30 * HOUR, []],
    ['a resolved incident decides nothing', facts({ open: false }), T0 + 30 * HOUR, []],
    [
      'a recovered incident waiting out its quiet period neither warns nor escalates',
      facts({ recovered: true, level: 'N3', priority: 5, own: clock(15 * MIN) }),
      T0 + 30 * HOUR,
      [],
    ],
  ] as const)('%s', (_name, input, now, expected) => {
    expect(decideSla(input, now, 0.75)).toEqual(expected);
  });
});

describe('clocks', () => {
  it('keeps the time used when the priority changes', () => {
    const p3 = startClock(2 * HOUR, T0, 0.75, ALWAYS_OPEN);
    expect(retargetClock(p3, 15 * MIN, T0 + 10 * MIN, 0.75, ALWAYS_OPEN)).toEqual({
      targetMs: 15 * MIN,
      warnAt: T0 + 11 * MIN + 15_000,
      dueAt: T0 + 15 * MIN,
    });
  });

  it('moves instants still ahead by the pause, not those already passed', () => {
    const c = startClock(2 * HOUR, T0, 0.75, ALWAYS_OPEN);
    expect(resumeClock(c, T0 + 100 * MIN, T0 + 160 * MIN, ALWAYS_OPEN)).toEqual({
      targetMs: 2 * HOUR,
      warnAt: T0 + 90 * MIN,
      dueAt: T0 + 3 * HOUR,
    });
  });

  it('computed afresh from the start, skips closed pauses as resuming did', () => {
    const started = startClock(2 * HOUR, T0, 0.75, ALWAYS_OPEN);
    const resumed = resumeClock(started, T0 + 100 * MIN, T0 + 160 * MIN, ALWAYS_OPEN);
    expect(clockFromStart(2 * HOUR, T0, [[T0 + 100 * MIN, T0 + 160 * MIN]], 0.75, ALWAYS_OPEN)).toEqual(
      resumed,
    );
    // A pause after the due time changes nothing; an open pause is not skipped yet.
    expect(clockFromStart(2 * HOUR, T0, [[T0 + 3 * HOUR, T0 + 4 * HOUR]], 0.75, ALWAYS_OPEN)).toEqual(
      started,
    );
  });
  it('shows % used, warning, paused, breached and met', () => {
    const view = (f: SlaFacts, now: number) => slaView(f, now, ALWAYS_OPEN);
    expect(view(facts(), T0 + HOUR).own).toMatchObject({ elapsedPct: 50, status: 'running' });
    expect(view(facts(), T0 + 90 * MIN).own).toMatchObject({ elapsedPct: 75, status: 'warning' });
    expect(view(facts({ pausedSince: T0 + 30 * MIN }), T0 + 5 * HOUR)).toMatchObject({
      paused: true,
      own: { elapsedPct: 25, status: 'paused' },
    });
    expect(view(facts(), T0 + 3 * HOUR).own).toMatchObject({ elapsedPct: 150, status: 'breached' });
    expect(view(facts({ owned: true, ownedAt: T0 + 30 * MIN }), T0 + 3 * HOUR).own).toMatchObject({
      elapsedPct: 25,
      status: 'met',
    });
  });
});

describe('parseSlaSettings', () => {
  it('merges targets over the defaults and refuses what does not fit', () => {
    const parsed = parseSlaSettings(
      '{"targets":{"3":{"ownMs":3600000,"resolveMs":28800000}},"warnRatio":0.8}',
    );
    expect(parsed).toMatchObject({
      ok: true,
      settings: { warnRatio: 0.8, targets: { 3: { ownMs: HOUR }, 5: { ownMs: 15 * MIN } } },
    });
    expect(parseSlaSettings('{"targets":{"7":{}}}')).toMatchObject({ ok: false });
    expect(parseSlaSettings('{"escalation":{"N3":[{"waitSec":0,"notify":["N4"]}]}}')).toMatchObject({
      ok: false,
    });
  });
});
