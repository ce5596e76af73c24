import type { REMEDIATION_FR } from './remediation-fr.js';

/** N0 remediation's console strings in English; same keys as `remediation-fr.ts`. */
export const REMEDIATION_EN: Readonly<Record<keyof typeof REMEDIATION_FR, string>> = {
  ev_remediation_started: 'N0 in progress',
  ev_remediation_attempt: 'N0 attempt sent',
  ev_remediation_result: 'N0 attempt result',
  ev_remediation_succeeded: 'Recovered by N0',
  ev_remediation_exhausted: 'N0 did not fix it: ticket handed on',
  ev_remediation_refused: 'N0 refused by the agent',
  ev_remediation_cancelled: 'N0 cancelled',
  remTitle: 'N0 remediation',
  remIntro:
    "Before a ticket is paged, Vigie can ask the agent for an action from the catalogue. The agent runs it only if the machine's admin allowed it at install (--allow-remediation).",
  remCheck: 'Check',
  remAction: 'Action',
  remNone: 'none',
  remFolder: 'Folder',
  remOlderThanDays: 'Files older than (days)',
  remAttempts: 'Attempts per window',
  remWindowSec: 'Window (s)',
  remVerifySec: 'Verification delay (s)',
  remInMaintenance: 'In maintenance too',
  remAvoided: 'Tickets avoided by N0',
  remAvoidedNone: 'No ticket avoided by N0 in the period.',
  remClient: 'Client',
  remKind: 'Kind',
  remCount: 'Tickets avoided',
  remSaved: 'Time saved (estimate)',
  remSavedHint: "the level's median handling time in the period × tickets avoided",
};
