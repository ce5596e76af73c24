import type { IncidentNotifier } from './notifier.js';

/** Notifies nobody: the default until the server plugs in the real notifications outbox. */
export const NOOP_NOTIFIER: IncidentNotifier = { notify: async () => {} };
