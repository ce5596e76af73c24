import type { Logger } from 'pino';

/** How often the hub moves N0 episodes on (send the next attempt, judge a verification). */
export const REMEDIATION_TICK_MS = 1000;

/**
 * Runs `tick` every `intervalMs`, one at a time (a slow tick delays the next rather than
 * overlapping it). `stop` waits for a tick under way.
 */
export function startRemediationTicker(options: {
  readonly tick: () => Promise<number>;
  readonly intervalMs: number;
  readonly log: Logger;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = options
        .tick()
        .then(() => {})
        .catch((error: unknown) => options.log.error({ err: error }, 'remediation tick failed'))
        .finally(schedule);
    }, options.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
