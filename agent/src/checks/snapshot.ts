import type { RuleState, SnapshotCheck, SnapshotCheckState } from '@vigie/shared';
import type { CheckSnapshotItem } from '../transport/outbox.js';
import type { TrackedCheck } from './local-checks.js';

/**
 * What a snapshot says of one check. A trigger building inside its `for` window, or a check with
 * no reading yet, is `pending`: the hub must not take it for a recovery (decision 0024).
 */
export function snapshotState(state: RuleState): SnapshotCheckState {
  if (state.state !== 'ok') return state.state;
  if (state.lastSeenAt === undefined) return 'pending';
  return Object.keys(state.triggeredSince).length > 0 ? 'pending' : 'ok';
}

/** The whole truth of the agent's checks at `now`, as the `checkSnapshot` message carries it. */
export function buildCheckSnapshot(checks: readonly TrackedCheck[], now: number): CheckSnapshotItem {
  return {
    type: 'checkSnapshot',
    at: now,
    complete: true,
    checks: checks.map(
      (check): SnapshotCheck => ({
        check: check.kind,
        ...(check.resource !== '' && { resource: check.resource }),
        state: snapshotState(check.state),
        observedAt: check.state.lastSeenAt ?? now,
        value: check.state.lastValue,
        threshold: check.threshold,
      }),
    ),
  };
}
