import { addBusinessTime, type BusinessCalendar, businessTimeBetween } from '@vigie/shared';

export const SLA_CLOCKS = ['own', 'resolve'] as const;
export type SlaClockName = (typeof SLA_CLOCKS)[number];

/** One running clock: its target, when it warns and when it is due (instants). */
export interface SlaClock {
  readonly targetMs: number;
  readonly warnAt: number;
  readonly dueAt: number;
}

/** A clock starting at `at` for `targetMs` of business time. */
export function startClock(
  targetMs: number,
  at: number,
  warnRatio: number,
  calendar: BusinessCalendar,
): SlaClock {
  return {
    targetMs,
    warnAt: addBusinessTime(at, Math.round(targetMs * warnRatio), calendar),
    dueAt: addBusinessTime(at, targetMs, calendar),
  };
}

/** Business time used so far at `at` (more than the target once overdue). */
export function elapsedMs(clock: SlaClock, at: number, calendar: BusinessCalendar): number {
  return at <= clock.dueAt
    ? clock.targetMs - businessTimeBetween(at, clock.dueAt, calendar)
    : clock.targetMs + businessTimeBetween(clock.dueAt, at, calendar);
}

/**
 * A new target (the priority changed) keeping the time already used: a P3 that becomes P5 after
 * 10 min has 5 min left to be owned, not 15.
 */
export function retargetClock(
  clock: SlaClock,
  targetMs: number,
  now: number,
  warnRatio: number,
  calendar: BusinessCalendar,
): SlaClock {
  const used = elapsedMs(clock, now, calendar);
  return {
    targetMs,
    warnAt: addBusinessTime(now, Math.max(0, Math.round(targetMs * warnRatio) - used), calendar),
    dueAt: addBusinessTime(now, Math.max(0, targetMs - used), calendar),
  };
}

/**
 * Pending is over: what was left when the pause began is left now, so the due time moves by the
 * paused business time. Instants already passed when the pause began stay where they were.
 */
export function resumeClock(
  clock: SlaClock,
  pausedSince: number,
  now: number,
  calendar: BusinessCalendar,
): SlaClock {
  const shift = (instant: number) =>
    instant <= pausedSince
      ? instant
      : addBusinessTime(now, businessTimeBetween(pausedSince, instant, calendar), calendar);
  return { targetMs: clock.targetMs, warnAt: shift(clock.warnAt), dueAt: shift(clock.dueAt) };
}

/** A span during which the clocks stood still (pending), `[from, to)`. */
export type Pause = readonly [from: number, to: number];

/** The instant `durationMs` of business time is used from `start`, skipping the pauses. */
function usedUpAt(start: number, durationMs: number, pauses: readonly Pause[], calendar: BusinessCalendar) {
  let remaining = durationMs;
  let cursor = start;
  for (const [from, to] of [...pauses].sort((a, b) => a[0] - b[0])) {
    if (to <= cursor) continue;
    const run = businessTimeBetween(cursor, Math.max(cursor, from), calendar);
    if (run >= remaining) break;
    remaining -= run;
    cursor = Math.max(cursor, to);
  }
  return addBusinessTime(cursor, remaining, calendar);
}

/**
 * A clock computed afresh from its start with this calendar: what it would be had the calendar
 * always been this one. Closed pauses do not count; an open pause is left out, as a running
 * pause keeps the instants of its start (resumeClock moves them on when it ends).
 */
export function clockFromStart(
  targetMs: number,
  start: number,
  pauses: readonly Pause[],
  warnRatio: number,
  calendar: BusinessCalendar,
): SlaClock {
  return {
    targetMs,
    warnAt: usedUpAt(start, Math.round(targetMs * warnRatio), pauses, calendar),
    dueAt: usedUpAt(start, targetMs, pauses, calendar),
  };
}
