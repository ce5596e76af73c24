import type { Policy } from '@vigie/shared';
import type { CheckChange, LocalChecks } from '../checks/local-checks.js';
import type { Log } from '../logger.js';

/** Where a policy came from: the welcome of a connection, or pushed on a live one. */
export type PolicySource = 'welcome' | 'push';

/** The policy in force and the one way to change it. */
export interface PolicyState {
  current(): Policy;
  /** Applies a policy from the hub unless it is a replay or changes nothing. */
  apply(next: Policy, source: PolicySource): void;
}

export interface PolicyStateDeps {
  readonly initial: Policy;
  readonly checks: Pick<LocalChecks, 'setRules'>;
  /** A check's state changed because its rule did (queued for the hub). */
  readonly reportChange: (change: CheckChange) => void;
  /** The intervals or the inventory cron changed. */
  readonly reschedule: (policy: Policy) => void;
  readonly savePolicy: (policy: Policy) => Promise<void>;
  /** The policy revision is part of the status file. */
  readonly writeStatus: () => void;
  readonly log: Log;
  readonly clock: () => number;
}

const schedulingKey = (p: Policy) => `${p.metricsIntervalSec}|${p.processesIntervalSec}|${p.inventoryCron}`;

/** Holds the policy: check rules follow it, schedules change only when their settings do. */
export function createPolicyState(deps: PolicyStateDeps): PolicyState {
  const { log } = deps;
  let policy = deps.initial;
  return {
    current: () => policy,
    apply(next, source) {
      // A pushed policy older than ours is a replay; the welcome's is the hub's current truth even
      // if its revision went down (restored hub database).
      if (source === 'push' && next.revision < policy.revision) {
        log.info('ignoring an older policy', { revision: next.revision, current: policy.revision });
        return;
      }
      if (JSON.stringify(next) === JSON.stringify(policy)) return;
      const reschedule = schedulingKey(next) !== schedulingKey(policy);
      policy = next;
      for (const change of deps.checks.setRules(next.checks, deps.clock())) deps.reportChange(change);
      log.info('policy received', { revision: next.revision, source });
      if (reschedule) deps.reschedule(next);
      deps
        .savePolicy(next)
        .catch((error: Error) => log.warn('cannot save the policy', { error: error.message }));
      deps.writeStatus();
    },
  };
}
