import type { IncidentNotifier } from '../incidents/notifier.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { cryptoRandom } from '../security/secrets.js';
import { createIncidentRuntime } from '../services.js';

/** Notifies nobody: for tests that do not look at notifications. */
export const NOOP_NOTIFIER: IncidentNotifier = { notify: async () => {} };

/**
 * The runtime the hub builds from an empty configuration (stock rules and SLA), notifying nobody
 * unless the test says otherwise; `overrides` replaces whole fields.
 */
export function testIncidentRuntime(overrides: Partial<IncidentRuntime> = {}): IncidentRuntime {
  return {
    ...createIncidentRuntime({}, { notifier: NOOP_NOTIFIER, random: cryptoRandom }),
    ...overrides,
  };
}
