import cron from 'node-cron';
import { nextCronMatch, parseCron } from './cron.js';

/** Cancels a scheduled task. */
export type Cancel = () => void;

/** Timers behind an interface so the runtime's tests drive cycles by hand. */
export interface Scheduler {
  /** Runs `task` every `seconds`, on wall-clock boundaries when the period allows it. */
  every(seconds: number, task: () => void): Cancel;
  /** Runs `task` on a node-cron expression (5 or 6 fields, local time). */
  cron(expression: string, task: () => void): Cancel;
  /** Whether `expression` is a cron expression `cron()` accepts. */
  validCron(expression: string): boolean;
}

const DAY_MS = 86_400_000;
// Every UTC offset in use is a whole number of quarter hours: periods dividing 15 min fall on the
// same boundaries in local time and in UTC, and need no time-zone lookup.
const QUARTER_HOUR_MS = 900_000;

/**
 * When a task run every `seconds` runs next, strictly after `after`. A period that divides a day
 * falls on its multiples in local time (10 s at :00, :10 …; 6 h at 00:00, 06:00 …), as cron would:
 * a fleet's samples then share timestamps, which the hub's rollups like. Other periods (7 s, 7 h)
 * run every period from `after`.
 */
export function nextRunAt(after: number, seconds: number, utcOffsetMs: () => number): number {
  const periodMs = Math.round(seconds * 1000);
  if (periodMs < 1000 || DAY_MS % periodMs !== 0) return after + periodMs;
  const offset = QUARTER_HOUR_MS % periodMs === 0 ? 0 : utcOffsetMs();
  return (Math.floor((after + offset) / periodMs) + 1) * periodMs - offset;
}

/**
 * A timer per run rather than node-cron for fixed periods: node-cron formats dates through
 * Intl.DateTimeFormat on every run, which cost CPU on each cycle and loaded ICU's time-zone
 * data into the agent's memory (measured with test/bench/agent-footprint.mjs).
 */
function scheduleEvery(seconds: number, task: () => void): Cancel {
  const localOffset = () => -new Date().getTimezoneOffset() * 60_000;
  let timer: NodeJS.Timeout | undefined;
  let due = Date.now();
  const arm = () => {
    // From the run that was due, not from now, so late timers do not drift the schedule; after a
    // long stall (a suspended machine) the missed runs are skipped, not replayed.
    const now = Date.now();
    due = nextRunAt(Math.max(due, now - seconds * 1000), seconds, localOffset);
    if (due <= now) due = nextRunAt(now, seconds, localOffset);
    timer = setTimeout(() => {
      arm();
      task();
    }, due - now);
  };
  arm();
  return () => clearTimeout(timer);
}

// setTimeout holds at most ~24.8 days; a later run is reached through intermediate wake-ups.
const MAX_TIMER_MS = DAY_MS;

/** node-cron for what `parseCron` does not handle (it formats dates through Intl: see cron.ts). */
function scheduleNodeCron(expression: string, task: () => void): Cancel {
  const scheduled = cron.schedule(expression, task, { noOverlap: true });
  return () => {
    void scheduled.destroy();
  };
}

function scheduleCron(expression: string, task: () => void): Cancel {
  const fields = parseCron(expression);
  if (!fields) return scheduleNodeCron(expression, task);
  let timer: NodeJS.Timeout | undefined;
  let due: number | undefined;
  const arm = (after: number) => {
    due = nextCronMatch(fields, after);
    if (due === undefined) return;
    const now = Date.now();
    timer = setTimeout(wake, Math.min(Math.max(0, due - now), MAX_TIMER_MS));
  };
  const wake = () => {
    const now = Date.now();
    if (due === undefined) return;
    if (now < due) {
      timer = setTimeout(wake, Math.min(due - now, MAX_TIMER_MS));
      return;
    }
    arm(Math.max(due, now));
    task();
  };
  arm(Date.now());
  return () => clearTimeout(timer);
}

/** Timers for fixed periods and for cron expressions (the inventory schedule). */
export const SYSTEM_SCHEDULER: Scheduler = {
  every: scheduleEvery,
  cron: scheduleCron,
  validCron: (expression) => cron.validate(expression),
};
