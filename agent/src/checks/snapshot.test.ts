import { type CheckRule, DEFAULT_CHECK_RULES, type Sample } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { createLocalChecks } from './local-checks.js';
import { buildCheckSnapshot } from './snapshot.js';

const GIB = 1024 ** 3;
const T0 = 1_764_000_000_000;
const FS_RULE = DEFAULT_CHECK_RULES.find((r) => r.kind === 'fs.usage')!;
const FAST_FS: CheckRule = { ...FS_RULE, forSec: 20, clearForSec: 20 };
const DRIFT: CheckRule = DEFAULT_CHECK_RULES.find((r) => r.kind === 'clock.drift')!;

const sample = (second: number, usedPct: number): Sample => ({
  at: T0 + second * 1000,
  filesystems: [
    {
      mount: '/var',
      device: '/dev/x',
      fsType: 'ext4',
      sizeBytes: 100 * GIB,
      usedBytes: usedPct * GIB,
      freeBytes: (100 - usedPct) * GIB,
      usedPct,
    },
  ],
});

function run(steps: ReadonlyArray<[second: number, usedPct: number]>) {
  const checks = createLocalChecks({ rules: [FAST_FS] });
  for (const [second, pct] of steps) checks.evaluate(sample(second, pct), T0 + second * 1000);
  const last = steps.at(-1)![0];
  return buildCheckSnapshot(checks.states(), T0 + last * 1000);
}

const varState = (snapshot: ReturnType<typeof run>) =>
  snapshot.checks.find((c) => c.check === 'fs.usage' && c.resource === '/var');

describe('buildCheckSnapshot', () => {
  it('states a check read below its thresholds as ok, with its last reading', () => {
    const snapshot = run([[0, 40]]);
    expect(snapshot).toMatchObject({ type: 'checkSnapshot', complete: true, at: T0 });
    expect(varState(snapshot)).toEqual({
      check: 'fs.usage',
      resource: '/var',
      state: 'ok',
      observedAt: T0,
      value: 40,
      threshold: null,
    });
  });

  it('states a trigger inside its `for` window as pending, never ok', () => {
    expect(varState(run([[0, 95]]))?.state).toBe('pending');
    expect(
      varState(
        run([
          [0, 95],
          [10, 95],
        ]),
      )?.state,
    ).toBe('pending');
  });

  it('states a triggered check at its level, a clear under way included', () => {
    expect(
      varState(
        run([
          [0, 95],
          [10, 95],
          [20, 95],
        ]),
      ),
    ).toMatchObject({ state: 'critical', threshold: 90 });
    expect(
      varState(
        run([
          [0, 95],
          [10, 95],
          [20, 95],
          [30, 40],
        ]),
      )?.state,
    ).toBe('critical');
    expect(
      varState(
        run([
          [0, 95],
          [10, 95],
          [20, 95],
          [30, 40],
          [40, 40],
          [50, 40],
        ]),
      )?.state,
    ).toBe('ok');
  });

  it('states a check with no reading yet (clock drift before the hub answered) as pending', () => {
    const checks = createLocalChecks({ rules: [DRIFT] });
    checks.evaluate({ at: T0 }, T0, [{ kind: 'clock.drift', resource: '', value: null }]);
    expect(buildCheckSnapshot(checks.states(), T0).checks).toEqual([
      { check: 'clock.drift', state: 'pending', observedAt: T0, value: null, threshold: null },
    ]);
  });
});
