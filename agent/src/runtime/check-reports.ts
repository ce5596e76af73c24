import type { CheckChange } from '../checks/local-checks.js';
import type { Log } from '../logger.js';
import type { OutboxItem } from '../transport/outbox.js';

/** Logs a local check's transition and queues it for the hub (sent at once when connected). */
export function createCheckReporter(deps: {
  readonly log: Log;
  readonly queue: (item: OutboxItem) => void;
}): (change: CheckChange) => void {
  return (change) => {
    deps.log.info('check state changed', {
      check: change.check,
      resource: change.resource,
      state: change.state,
      previous: change.previous,
      message: change.message,
    });
    deps.queue({ type: 'checkState', ...change });
  };
}
