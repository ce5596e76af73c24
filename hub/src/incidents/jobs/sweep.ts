import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { sweepAgentMisbehaving } from '../../identity/agent-misbehaving.js';
import { sweepEscalations } from '../escalation/sweep-escalations.js';
import type { IncidentRuntime } from '../runtime.js';
import { sweepSla } from '../sla/sweep-sla.js';
import { sweepGroupParents } from './group-parents.js';
import { releaseHeldSignals } from './held-release.js';
import { type SilenceOptions, sweepHostSilence } from './host-silence.js';
import { DEFAULT_SWEEP_BUDGET, type SweepBudget } from './slices.js';
import { sweepTimers } from './timers.js';

export interface SweepReport {
  opened: number;
  recovered: number;
  /** Silence work left for the next sweep because this one reached its budget. */
  deferred: number;
  released: number;
  resolved: number;
  closed: number;
  /** SLA warnings sent and SLA escalations made. */
  warned: number;
  escalated: number;
  /** Escalation policy notices sent, runs stopped. */
  notified: number;
  stopped: number;
  /** Misbehaving agents quiet long enough to get a recovery. */
  behaving: number;
  /** Site and storm tickets whose children have all recovered. */
  parentsRecovered: number;
}

/**
 * One pass of the hub-side checks and timers at `now`: host silence (and site silence), held
 * signals whose window or silence ended, misbehaving agents gone quiet, quiet-period resolution, staleness, closing, SLA
 * warnings and escalations, escalation policy notices. Idempotent:
 * a second pass at the same `now` changes nothing (once no silence work is deferred).
 */
export async function runIncidentSweep(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  silence: SilenceOptions,
  now: number,
  budget: SweepBudget = DEFAULT_SWEEP_BUDGET,
): Promise<SweepReport> {
  const hosts = await sweepHostSilence(db, runtime, silence, now, budget);
  const held = await releaseHeldSignals(db, runtime, now);
  // After the silences, so a site whose last host was heard in this pass recovers in it too.
  const parents = await sweepGroupParents(db, runtime, now);
  // Before the timers, so a recovery seen now starts its quiet period in this pass.
  const misbehaving = await sweepAgentMisbehaving(db, runtime, now);
  const timers = await sweepTimers(db, runtime, now);
  // After the timers, so an incident resolved in this pass is neither warned nor escalated.
  const sla = await sweepSla(db, runtime, now);
  const escalations = await sweepEscalations(db, runtime, now);
  return { ...hosts, ...held, ...parents, ...misbehaving, ...timers, ...sla, ...escalations };
}
