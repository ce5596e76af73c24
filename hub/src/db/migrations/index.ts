import type { Migration } from 'kysely';
import * as foundation from './2026-11-25-foundation.js';
import * as incidents from './2026-11-25-incidents.js';
import * as notifications from './2026-11-25-notifications.js';
import * as delivery from './2026-11-26-delivery.js';
import * as escalation from './2026-11-27-escalation.js';
import * as identity from './2026-11-28-identity.js';
import * as inventory from './2026-11-29-inventory.js';
import * as webConsole from './2026-11-30-console.js';
import * as policies from './2026-12-01-policies.js';
import * as retention from './2026-12-03-retention.js';
import * as probes from './2026-12-04-probes.js';
import * as pgPartitions from './2026-12-05-pg-partitions.js';
import * as inventoryLicences from './2026-12-06-inventory-licences.js';
import * as hubSessions from './2026-12-07-hub-sessions.js';
import * as incidentContext from './2026-12-07-incident-context.js';
import * as securityAudit from './2026-12-08-security-audit.js';
import * as silenceBaseline from './2026-12-08-silence-baseline.js';
import * as hostClockSkew from './2026-12-09-host-clock-skew.js';
import * as helloKeys from './2026-12-10-hello-keys.js';
import * as incidentTextCodes from './2026-12-11-incident-text-codes.js';
import * as n0Remediation from './2026-12-12-n0-remediation.js';
import * as trustProblemText from './2026-12-12-trust-problem-text.js';
import * as hubstoreSampleKey from './2026-12-14-hubstore-sample-key.js';

/**
 * Every migration, by name; names sort in the order they apply (ISO date prefix). Listed in code
 * rather than read from a folder so a bundled hub carries them.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '2026-11-25-foundation': foundation,
  '2026-11-25-incidents': incidents,
  '2026-11-25-notifications': notifications,
  '2026-11-26-delivery': delivery,
  '2026-11-27-escalation': escalation,
  '2026-11-28-identity': identity,
  '2026-11-29-inventory': inventory,
  '2026-11-30-console': webConsole,
  '2026-12-01-policies': policies,
  '2026-12-03-retention': retention,
  '2026-12-04-probes': probes,
  '2026-12-05-pg-partitions': pgPartitions,
  '2026-12-06-inventory-licences': inventoryLicences,
  '2026-12-07-hub-sessions': hubSessions,
  '2026-12-07-incident-context': incidentContext,
  '2026-12-08-security-audit': securityAudit,
  '2026-12-08-silence-baseline': silenceBaseline,
  '2026-12-09-host-clock-skew': hostClockSkew,
  '2026-12-10-hello-keys': helloKeys,
  '2026-12-11-incident-text-codes': incidentTextCodes,
  '2026-12-12-n0-remediation': n0Remediation,
  '2026-12-12-trust-problem-text': trustProblemText,
  '2026-12-14-hubstore-sample-key': hubstoreSampleKey,
};
