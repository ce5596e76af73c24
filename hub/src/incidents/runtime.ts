import { cryptoRandom, type RandomBytes } from '../security/secrets.js';
import { DEFAULT_INCIDENT_SETTINGS, type IncidentSettings } from './engine/settings.js';
import { NOOP_NOTIFIER } from './noop-notifier.js';
import type { IncidentNotifier } from './notifier.js';
import { DEFAULT_SLA_SETTINGS, type SlaSettings } from './sla/settings.js';
import { STORED_UPSTREAM, type UpstreamState } from './upstream.js';

/** What the incident effects need besides a transaction: the rules, the notifier, ids. */
export interface IncidentRuntime {
  readonly settings: IncidentSettings;
  /** SLA targets and stock escalation policies; absent means the defaults. */
  readonly sla?: SlaSettings | undefined;
  readonly notifier: IncidentNotifier;
  readonly random: RandomBytes;
  /** The devices in front of hosts: how incidents asks, without importing probes. */
  readonly upstream: UpstreamState;
}

/** Stock settings, no notifications: what tests and a hub without notifiers get. */
export function defaultIncidentRuntime(overrides: Partial<IncidentRuntime> = {}): IncidentRuntime {
  return {
    settings: DEFAULT_INCIDENT_SETTINGS,
    sla: DEFAULT_SLA_SETTINGS,
    notifier: NOOP_NOTIFIER,
    random: cryptoRandom,
    upstream: STORED_UPSTREAM,
    ...overrides,
  };
}

/** The SLA settings a runtime uses. */
export function slaSettingsOf(runtime: Pick<IncidentRuntime, 'sla'> | undefined): SlaSettings {
  return runtime?.sla ?? DEFAULT_SLA_SETTINGS;
}
