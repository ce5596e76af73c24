import { DEFAULT_POLICY, type Policy } from '@vigie/shared';
import type { Log } from '../logger.js';
import type { MetricsCycle } from './metrics-cycle.js';
import type { Cancel, Scheduler } from './scheduler.js';

/** The agent's timers, set from the policy. */
export interface Schedules {
  /** (Re)sets the timers for this policy; ignored once stopped. */
  set(policy: Policy): void;
  /** Cancels the timers for good. */
  stop(): void;
}

export interface SchedulesDeps {
  readonly scheduler: Scheduler;
  /** Development override of the policy's fast-cycle interval. */
  readonly metricsIntervalSec?: number;
  readonly metrics: Pick<MetricsCycle, 'fast' | 'slow'>;
  readonly inventory: () => void;
  readonly log: Log;
}

/** Runs the metrics cycle at the policy's fast and slow intervals and the inventory on its cron. */
export function createSchedules(deps: SchedulesDeps): Schedules {
  const { scheduler, log } = deps;
  let cancels: Cancel[] = [];
  let stopped = false;

  function cancelAll(): void {
    for (const cancel of cancels) cancel();
    cancels = [];
  }

  return {
    set(policy) {
      if (stopped) return;
      cancelAll();
      const metricsSec = deps.metricsIntervalSec ?? policy.metricsIntervalSec;
      const slowSec = policy.processesIntervalSec;
      let inventoryCron = policy.inventoryCron;
      if (!scheduler.validCron(inventoryCron)) {
        log.warn('invalid inventoryCron in policy; using the default', {
          inventoryCron,
          revision: policy.revision,
        });
        inventoryCron = DEFAULT_POLICY.inventoryCron;
      }
      cancels = [
        scheduler.every(metricsSec, () => deps.metrics.fast()),
        // The slow cycle rides on the next fast one (one sample, one collection); only when it is
        // the more frequent of the two does it need its own collection.
        scheduler.every(slowSec, () => deps.metrics.slow(slowSec < metricsSec)),
        scheduler.cron(inventoryCron, () => deps.inventory()),
      ];
      log.info('schedules set', { metricsSec, slowSec, inventoryCron, revision: policy.revision });
    },
    stop() {
      stopped = true;
      cancelAll();
    },
  };
}
