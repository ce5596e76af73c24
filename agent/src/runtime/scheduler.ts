import cron from 'node-cron';

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

/**
 * The six-field cron expression that fires exactly every `seconds`, or undefined when cron cannot
 * express that period: `*\/7` in the seconds field fires at :00, :07 … :56 and then :00 again, a
 * 4 s gap. Aligned periods keep a fleet's samples on the same timestamps, which the hub's rollups like.
 */
export function intervalCronExpression(seconds: number): string | undefined {
  if (!Number.isInteger(seconds) || seconds < 1) return undefined;
  if (seconds < 60)
    return 60 % seconds === 0 ? (seconds === 1 ? '* * * * * *' : `*/${seconds} * * * * *`) : undefined;
  if (seconds % 60 === 0 && seconds < 3600) {
    const minutes = seconds / 60;
    return 60 % minutes === 0 ? `0 */${minutes} * * * *` : undefined;
  }
  if (seconds % 3600 === 0 && seconds < 86_400) {
    const hours = seconds / 3600;
    return 24 % hours === 0 ? `0 0 */${hours} * * *` : undefined;
  }
  return seconds === 86_400 ? '0 0 0 * * *' : undefined;
}

function scheduleCron(expression: string, task: () => void): Cancel {
  const scheduled = cron.schedule(expression, task, { noOverlap: true });
  return () => {
    void scheduled.destroy();
  };
}

/** node-cron for aligned periods and cron expressions; setInterval for periods cron cannot express. */
export const SYSTEM_SCHEDULER: Scheduler = {
  every(seconds, task) {
    const expression = intervalCronExpression(seconds);
    if (expression) return scheduleCron(expression, task);
    // Not expressible exactly in cron (e.g. 7 s, 90 s): a plain interval keeps the period right.
    const timer = setInterval(task, seconds * 1000);
    return () => clearInterval(timer);
  },
  cron: scheduleCron,
  validCron: (expression) => cron.validate(expression),
};
