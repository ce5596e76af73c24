import { describe, expect, it } from 'vitest';
import { createClockDrift } from './clock-drift.js';

/** A wall clock and a monotonic clock the test moves by hand. */
function clocks() {
  const t = { wall: 1_764_000_000_000, mono: 5_000 };
  return {
    t,
    deps: { clock: () => t.wall, monotonic: () => t.mono },
    elapse(ms: number) {
      t.wall += ms;
      t.mono += ms;
    },
  };
}

describe('createClockDrift', () => {
  it('has no observation before the first welcome', () => {
    const { deps } = clocks();
    expect(createClockDrift(deps).observation()).toEqual({ kind: 'clock.drift', resource: '', value: null });
  });

  it('compares the hub time with the midpoint of the round trip', () => {
    const { deps, t, elapse } = clocks();
    const drift = createClockDrift(deps);
    drift.helloSent();
    const helloWall = t.wall;
    elapse(400);
    // The hub is 90 s ahead: it stamped 90 s past the agent's clock at the midpoint (200 ms after hello).
    expect(drift.welcomed(helloWall + 200 + 90_000)).toBe(90_000);
    expect(drift.observation()).toEqual({
      kind: 'clock.drift',
      resource: '',
      value: 90,
      facts: { offsetMs: 90_000 },
    });
  });

  it('follows a local clock step after the measure (NTP fixing the clock)', () => {
    const { deps, t, elapse } = clocks();
    const drift = createClockDrift(deps);
    drift.helloSent();
    drift.welcomed(t.wall - 120_000);
    expect(drift.observation().value).toBe(120);
    elapse(60_000);
    t.wall -= 120_000; // the agent's clock was 2 min fast; NTP steps it back
    expect(drift.observation().value).toBe(0);
  });

  it('ignores a welcome without a hello', () => {
    const { deps } = clocks();
    expect(createClockDrift(deps).welcomed(0)).toBeUndefined();
  });
});
