import { CHECK_SNAPSHOT_CAPABILITY, type Policy, type WelcomeMessage } from '@vigie/shared';
import type { ClockDrift } from '../checks/clock-drift.js';
import type { Log } from '../logger.js';
import type { ProbeRunner } from '../probes/probe-runner.js';
import type { RemediationRunner } from '../remediation/runner.js';
import { logHubError } from '../transport/connection-events.js';
import type { InboundHandlers } from '../transport/inbound.js';
import type { CheckSnapshots } from './check-snapshots.js';
import type { PolicySource, PolicyState } from './policy-state.js';
import type { StatusReporter } from './status.js';

/** Hub and agent clocks further apart than this deserve a warning (samples carry agent time). */
const CLOCK_DRIFT_WARN_MS = 60_000;

export interface HubHandlersDeps {
  readonly policy: PolicyState;
  readonly status: Pick<StatusReporter, 'connected' | 'acked'>;
  readonly clockDrift: Pick<ClockDrift, 'welcomed'>;
  readonly probes: Pick<ProbeRunner, 'assign'>;
  /** N0 requests; absent (tests of other handlers) refuses nothing and runs nothing. */
  readonly remediation?: Pick<RemediationRunner, 'handle'>;
  readonly snapshots?: Pick<CheckSnapshots, 'welcomed'>;
  /** Told of every welcome, then of the policy in force after each welcome or push (the updater). */
  readonly onWelcome?: (welcome: WelcomeMessage) => void;
  readonly onPolicy?: (policy: Policy) => void;
  readonly log: Log;
  readonly clock: () => number;
}

/** The agent's inbound dispatch table: what it does with each message from the hub. */
export function createHubHandlers(deps: HubHandlersDeps): InboundHandlers {
  const { log, clock } = deps;

  function applyPolicy(policy: Policy, source: PolicySource): void {
    deps.policy.apply(policy, source);
    deps.onPolicy?.(deps.policy.current());
  }

  return {
    welcome(welcome) {
      const driftMs = deps.clockDrift.welcomed(welcome.serverTime) ?? welcome.serverTime - clock();
      if (Math.abs(driftMs) > CLOCK_DRIFT_WARN_MS) log.warn('clock differs from the hub', { driftMs });
      log.info('connected to hub', { hostId: welcome.hostId, ackedSeq: welcome.ackedSeq });
      deps.status.connected();
      deps.onWelcome?.(welcome);
      applyPolicy(welcome.policy, 'welcome');
      // After the policy: the snapshot states the checks of the rules now in force.
      deps.snapshots?.welcomed(welcome.capabilities?.includes(CHECK_SNAPSHOT_CAPABILITY) === true);
    },
    ack: () => deps.status.acked(),
    // The connection saved and confirmed the rotated secret: it owns the hello that uses it.
    credential: () => {},
    policy: (message) => applyPolicy(message.policy, 'push'),
    probes: (message) => deps.probes.assign(message),
    error: (message) => logHubError(log, message),
    remediate: (message) => {
      if (!deps.remediation) log.warn('remediate ignored: no remediation runner', { action: message.action });
      else void deps.remediation.handle(message);
    },
  };
}
