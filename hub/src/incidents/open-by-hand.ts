import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findHost } from '../repositories/hosts.js';
import { insertIncidentEvent } from '../repositories/incident-events.js';
import { type IncidentRow, insertIncidentIfNoneOpen } from '../repositories/incidents.js';
import { generateId } from '../security/secrets.js';
import { gradeOf } from './engine/grade.js';
import type { Scale } from './engine/settings.js';
import { startEscalation } from './escalation/runs.js';
import { hostFacts } from './facts.js';
import { notice } from './notices.js';
import { newIncidentRow } from './open-incident.js';
import type { IncidentRuntime } from './runtime.js';
import { withSla } from './sla/incident-sla.js';

/** What a technician types when a user phones in. */
export interface ManualIncident {
  client: string;
  site?: string | undefined;
  hostId?: string | undefined;
  title: string;
  description?: string | undefined;
  severity: 'warning' | 'critical';
  impact?: Scale | undefined;
}

/**
 * Open an incident by hand into the same lifecycle (priority, routing, timeline, notice). Its key
 * is unique (`client/manual/<id>`): a phone call is never merged into a monitored fault.
 */
export async function openByHand(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  input: ManualIncident,
  by: { user: string; now: number },
): Promise<{ ok: true; incident: IncidentRow } | { ok: false; code: 'NOT_FOUND'; message: string }> {
  const hostRow = input.hostId === undefined ? undefined : await findHost(trx, input.hostId);
  if (input.hostId !== undefined && !hostRow)
    return { ok: false, code: 'NOT_FOUND', message: 'No such host' };
  const host = hostRow ? hostFacts(hostRow) : null;
  const key = `${input.client}/manual/${generateId('m', runtime.random)}`;
  const grade = gradeOf(runtime.settings, {
    check: 'manual',
    host,
    severity: input.severity,
    impact: input.impact,
  });
  const fresh = newIncidentRow(runtime, {
    signal: {
      key,
      client: hostRow?.client ?? input.client,
      site: hostRow?.site ?? input.site ?? '',
      host,
      check: 'manual',
      resource: '',
      state: input.severity,
      observedAt: by.now,
      value: null,
      threshold: null,
      message: null,
    },
    grade,
    source: 'manual',
    now: by.now,
    text: { code: 'manual', params: { title: input.title } },
  });
  const row = await withSla(trx, runtime, fresh);
  await insertIncidentIfNoneOpen(trx, row);
  await insertIncidentEvent(trx, runtime.random, {
    incidentId: row.id,
    key,
    at: by.now,
    actor: `user:${by.user}`,
    kind: 'opened',
    detail: {
      manual: true,
      description: input.description ?? null,
      priority: row.priority,
      level: row.level,
    },
  });
  await notice(trx, runtime, row, 'opened', {
    at: by.now,
    reason: `opened by hand by ${by.user}`,
    hostname: hostRow?.hostname ?? null,
  });
  await startEscalation(trx, runtime, row, by.now);
  return { ok: true, incident: row };
}
