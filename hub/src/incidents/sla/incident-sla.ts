import type { Priority } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { IncidentChanges, IncidentRow } from '../../repositories/incidents.js';
import { technicianActed } from '../engine/types.js';
import { incidentFacts } from '../facts.js';
import type { IncidentRuntime } from '../runtime.js';
import { calendarFor } from './calendar-for.js';
import { resumeClock, retargetClock, type SlaClock, startClock } from './clocks.js';
import type { SlaFacts, TrackedClock } from './decide-sla.js';

const num = (value: number | null): number | null => (value === null ? null : Number(value));

/** The two clocks as stored on a row (null for incidents opened before SLAs existed). */
export function storedClocks(row: IncidentRow): { own: TrackedClock | null; resolve: TrackedClock | null } {
  const clock = (
    target: number | null,
    warn: number | null,
    due: number | null,
    warned: number | null,
    breached: number | null,
  ) =>
    target === null || warn === null || due === null
      ? null
      : {
          targetMs: Number(target),
          warnAt: Number(warn),
          dueAt: Number(due),
          warnedAt: num(warned),
          breachedAt: num(breached),
        };
  return {
    own: clock(
      row.sla_own_target_ms,
      row.sla_own_warn_at,
      row.sla_own_due_at,
      row.sla_warned_at,
      row.sla_own_breached_at,
    ),
    resolve: clock(
      row.sla_resolve_target_ms,
      row.sla_resolve_warn_at,
      row.sla_resolve_due_at,
      row.sla_resolve_warned_at,
      row.sla_resolve_breached_at,
    ),
  };
}

/** What decideSla and slaView need from a row. */
export function slaFactsOf(row: IncidentRow): SlaFacts {
  return {
    open: row.open_key !== null,
    owned: technicianActed(incidentFacts(row)),
    recovered: row.recovered_at !== null,
    pausedSince: num(row.sla_paused_since),
    priority: row.priority,
    level: row.level,
    ...storedClocks(row),
    ownedAt: num(row.acknowledged_at),
    resolvedAt: num(row.resolved_at),
  };
}

function ownColumns(clock: SlaClock): IncidentChanges {
  return { sla_own_target_ms: clock.targetMs, sla_own_warn_at: clock.warnAt, sla_own_due_at: clock.dueAt };
}

function resolveColumns(clock: SlaClock): IncidentChanges {
  return {
    sla_resolve_target_ms: clock.targetMs,
    sla_resolve_warn_at: clock.warnAt,
    sla_resolve_due_at: clock.dueAt,
  };
}

/** Fresh clocks from `at` for the priority: on opening and on reopening (warnings and breaches reset). */
export async function slaStartColumns(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  incident: Pick<IncidentRow, 'client' | 'site' | 'priority'>,
  at: number,
): Promise<IncidentChanges> {
  const { sla } = runtime;
  const { calendar } = await calendarFor(trx, incident.client, incident.site);
  const target = sla.targets[incident.priority];
  return {
    ...ownColumns(startClock(target.ownMs, at, sla.warnRatio, calendar)),
    ...resolveColumns(startClock(target.resolveMs, at, sla.warnRatio, calendar)),
    sla_paused_since: null,
    sla_warned_at: null,
    sla_resolve_warned_at: null,
    sla_own_breached_at: null,
    sla_resolve_breached_at: null,
  };
}

/** The row with its clocks started: what an opening inserts. */
export async function withSla(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  row: IncidentRow,
): Promise<IncidentRow> {
  return { ...row, ...(await slaStartColumns(trx, runtime, row, Number(row.opened_at))) } as IncidentRow;
}

/** The priority changed: new targets, keeping the business time already used. */
export async function slaRetargetColumns(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  row: IncidentRow,
  priority: Priority,
  now: number,
): Promise<IncidentChanges> {
  const clocks = storedClocks(row);
  if (priority === row.priority) return {};
  if (clocks.own === null || clocks.resolve === null)
    return slaStartColumns(trx, runtime, { ...row, priority }, Number(row.opened_at));
  const { sla } = runtime;
  const { calendar } = await calendarFor(trx, row.client, row.site);
  const target = sla.targets[priority];
  // While pending the clocks stand at the pause: retarget from there, resuming moves them on.
  const at = row.sla_paused_since === null ? now : Number(row.sla_paused_since);
  return {
    ...ownColumns(retargetClock(clocks.own, target.ownMs, at, sla.warnRatio, calendar)),
    ...resolveColumns(retargetClock(clocks.resolve, target.resolveMs, at, sla.warnRatio, calendar)),
  };
}

/** Leaving pending: move every instant still ahead by the business time spent paused. */
export async function slaResumeColumns(
  trx: Kysely<Database>,
  row: IncidentRow,
  now: number,
): Promise<IncidentChanges> {
  const clocks = storedClocks(row);
  if (row.sla_paused_since === null || clocks.own === null || clocks.resolve === null) return {};
  const { calendar } = await calendarFor(trx, row.client, row.site);
  const since = Number(row.sla_paused_since);
  return {
    ...ownColumns(resumeClock(clocks.own, since, now, calendar)),
    ...resolveColumns(resumeClock(clocks.resolve, since, now, calendar)),
  };
}
