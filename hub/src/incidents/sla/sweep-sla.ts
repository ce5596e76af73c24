import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { insertIncidentEvent } from '../../repositories/incident-events.js';
import {
  findIncident,
  type IncidentChanges,
  type IncidentRow,
  listSlaCandidates,
} from '../../repositories/incidents.js';
import { startEscalation } from '../escalation/runs.js';
import { epochKey, hostnameOf, notice, reopenEpoch } from '../notices.js';
import type { IncidentRuntime } from '../runtime.js';
import { decideSla, type SlaStep } from './decide-sla.js';
import { slaFactsOf } from './incident-sla.js';

const WARNED = { own: 'sla_warned_at', resolve: 'sla_resolve_warned_at' } as const;
const BREACHED = { own: 'sla_own_breached_at', resolve: 'sla_resolve_breached_at' } as const;

/**
 * The SLA step of the sweep: at 75 % of a clock a warning (once), at 100 % one level up (once
 * per clock) with the reason in the timeline and an `escalated` notice keyed `incident/level`,
 * then the new level's escalation policy. Each incident changes in its own transaction, guarded
 * on the column that records the step, so a second sweep at the same instant does nothing.
 */
export async function sweepSla(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  now: number,
): Promise<{ warned: number; escalated: number }> {
  const { warnRatio } = runtime.sla;
  let warned = 0;
  let escalated = 0;
  for (const candidate of await listSlaCandidates(db, now)) {
    await db.transaction().execute(async (trx) => {
      const row = await findIncident(trx, candidate.id);
      if (!row) return;
      for (const step of decideSla(slaFactsOf(row), now, warnRatio)) {
        if (step.kind === 'warn' && (await warn(trx, runtime, row, step, now))) warned += 1;
        if (step.kind === 'breach' && (await breach(trx, runtime, row, step, now))) escalated += 1;
      }
    });
  }
  return { warned, escalated };
}

/** Set a column from NULL to `now` on this incident; false when someone else already did. */
async function claimColumn(
  trx: Kysely<Database>,
  row: IncidentRow,
  column: (typeof WARNED)[keyof typeof WARNED] | (typeof BREACHED)[keyof typeof BREACHED],
  changes: IncidentChanges,
): Promise<boolean> {
  const result = await trx
    .updateTable('incidents')
    .set(changes)
    .where('id', '=', row.id)
    .where('level', '=', row.level)
    .where(column, 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

async function warn(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  row: IncidentRow,
  step: SlaStep,
  now: number,
) {
  if (!(await claimColumn(trx, row, WARNED[step.clock], { [WARNED[step.clock]]: now, updated_at: now })))
    return false;
  const dueAt = step.clock === 'own' ? row.sla_own_due_at : row.sla_resolve_due_at;
  await insertIncidentEvent(trx, runtime.random, {
    incidentId: row.id,
    key: row.dedup_key,
    at: now,
    actor: 'rule:sla',
    kind: 'sla_warning',
    detail: { clock: step.clock, reason: step.reason, dueAt },
  });
  await notice(trx, runtime, row, 'sla_warning', {
    at: now,
    reason: `${step.reason}; due ${new Date(Number(dueAt)).toISOString()}`,
    hostname: await hostnameOf(trx, row.host_id),
    deliveryKey: `${row.id}/sla_warning/${step.clock}/${(await reopenEpoch(trx, row.id)) + 1}`,
  });
  return true;
}

async function breach(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  row: IncidentRow,
  step: SlaStep,
  now: number,
) {
  const changes: IncidentChanges = {
    [BREACHED[step.clock]]: now,
    // A clock breached without its warning (the sweep was late) is not warned afterwards.
    [WARNED[step.clock]]: row[WARNED[step.clock]] ?? now,
    updated_at: now,
    ...(step.escalateTo !== null ? { level: step.escalateTo, escalated_at: now } : {}),
  };
  if (!(await claimColumn(trx, row, BREACHED[step.clock], changes))) return false;
  const after = { ...row, ...changes } as IncidentRow;
  await insertIncidentEvent(trx, runtime.random, {
    incidentId: row.id,
    key: row.dedup_key,
    at: now,
    actor: 'rule:sla',
    kind: step.escalateTo !== null ? 'escalated' : 'sla_breached',
    detail: {
      clock: step.clock,
      reason: step.reason,
      ...(step.escalateTo !== null ? { level: { from: row.level, to: step.escalateTo } } : {}),
    },
  });
  // At N3 there is no level above: N3 is told again, once per clock.
  await notice(trx, runtime, after, 'escalated', {
    at: now,
    reason: step.reason,
    hostname: await hostnameOf(trx, row.host_id),
    ...(step.escalateTo === null
      ? {
          deliveryKey: epochKey(`${row.id}/${row.level}/sla-${step.clock}`, await reopenEpoch(trx, row.id)),
        }
      : {}),
  });
  if (step.escalateTo !== null) await startEscalation(trx, runtime, after, now);
  return true;
}
