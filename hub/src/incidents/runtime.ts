import type { RandomBytes } from '../security/secrets.js';
import type { IncidentSettings } from './engine/settings.js';
import type { IncidentNotifier } from './notifier.js';
import type { SlaSettings } from './sla/settings.js';
import type { UpstreamState } from './upstream.js';

/** What the incident effects need besides a transaction: the rules, the notifier, ids. */
export interface IncidentRuntime {
  readonly settings: IncidentSettings;
  /** SLA targets and stock escalation policies. */
  readonly sla: SlaSettings;
  readonly notifier: IncidentNotifier;
  readonly random: RandomBytes;
  /** The devices in front of hosts: how incidents asks, without importing probes. */
  readonly upstream: UpstreamState;
}
