import type { CheckObservation } from './observations.js';

/** A wall-clock reading paired with a monotonic one, taken at the same moment. */
export interface Instant {
  readonly wall: number;
  readonly mono: number;
}

/** Measures how far the agent's clock is from the hub's and follows local clock steps after that. */
export interface ClockDrift {
  /** The hello went out now; call just before sending it. */
  helloSent(): void;
  /** The welcome came back with the hub's `serverTime`; returns the measured offset (hub − agent, ms). */
  welcomed(serverTime: number): number | undefined;
  /** The observation for the `clock.drift` rule: |offset| in seconds, or null before any measure. */
  observation(): CheckObservation;
}

/**
 * Cristian's algorithm: the hub stamped `serverTime` somewhere between hello and welcome, so the agent
 * clock at the midpoint of the round trip is compared with it (error ≤ half the round trip, nothing
 * next to a 60 s threshold). The measure is only refreshed at each welcome, so a local clock step
 * afterwards (NTP fixing the clock) is followed through the monotonic clock: otherwise a fixed clock
 * would stay "drifting" until the next reconnect, possibly days later.
 */
export function createClockDrift(deps: { clock: () => number; monotonic: () => number }): ClockDrift {
  const now = (): Instant => ({ wall: deps.clock(), mono: deps.monotonic() });
  let sent: Instant | undefined;
  let measured: { offsetMs: number; at: Instant } | undefined;

  function currentOffsetMs(): number | undefined {
    if (!measured) return undefined;
    const t = now();
    // How far the wall clock moved beyond real elapsed time since the measure: a local step.
    const stepMs = t.wall - measured.at.wall - (t.mono - measured.at.mono);
    return measured.offsetMs - stepMs;
  }

  return {
    helloSent() {
      sent = now();
    },
    welcomed(serverTime) {
      if (!sent) return undefined;
      const received = now();
      const roundTripMs = received.mono - sent.mono;
      const midpointWall = sent.wall + roundTripMs / 2;
      // Anchored at the midpoint, where the offset was measured.
      measured = {
        offsetMs: serverTime - midpointWall,
        at: { wall: midpointWall, mono: sent.mono + roundTripMs / 2 },
      };
      sent = undefined;
      return measured.offsetMs;
    },
    observation() {
      const offsetMs = currentOffsetMs();
      if (offsetMs === undefined) return { kind: 'clock.drift', resource: '', value: null };
      return {
        kind: 'clock.drift',
        resource: '',
        value: Math.round(Math.abs(offsetMs) / 100) / 10,
        facts: { offsetMs: Math.round(offsetMs) },
      };
    },
  };
}
