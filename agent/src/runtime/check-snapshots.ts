import type { LocalChecks } from '../checks/local-checks.js';
import { buildCheckSnapshot } from '../checks/snapshot.js';
import type { Log } from '../logger.js';
import type { OutboxItem } from '../transport/outbox.js';

/** When the agent states all its checks to the hub: once per welcome, never before they were evaluated. */
export interface CheckSnapshots {
  /** A welcome arrived; `accepted`: the hub announced the `checkSnapshot` capability. */
  welcomed(accepted: boolean): void;
  /** The checks were evaluated on a sample (after the cycle's changes were queued). */
  evaluated(): void;
}

/**
 * After a fresh start the first snapshot waits for the first evaluation (an empty state would
 * recover every open incident of the host); after a reconnect it goes at once, from current state.
 * It is queued like any event, behind the check changes queued before it, so the hub reads them in
 * the order they happened.
 */
export function createCheckSnapshots(deps: {
  readonly checks: Pick<LocalChecks, 'states'>;
  readonly queue: (item: OutboxItem) => void;
  readonly log: Log;
  readonly clock: () => number;
}): CheckSnapshots {
  let evaluated = false;
  let wanted = false;

  function send(): void {
    wanted = false;
    const snapshot = buildCheckSnapshot(deps.checks.states(), deps.clock());
    deps.log.info('check snapshot queued', { checks: snapshot.checks.length });
    deps.queue(snapshot);
  }

  return {
    welcomed(accepted) {
      // A hub that predates snapshots would refuse the message and close the socket.
      wanted = accepted;
      if (wanted && evaluated) send();
    },
    evaluated() {
      evaluated = true;
      if (wanted) send();
    },
  };
}
