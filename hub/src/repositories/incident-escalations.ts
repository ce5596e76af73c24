import type { SupportLevel } from '@vigie/shared';
import { type Kysely, PostgresAdapter, type Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { IncidentEscalationsTable } from '../db/tables/escalation.js';

export type EscalationRunRow = Selectable<IncidentEscalationsTable>;

/** A run to start (or restart) for an incident at a level. */
export interface NewRun {
  incidentId: string;
  level: SupportLevel;
  policyId: string | null;
  steps: string;
  startedAt: number;
  nextN: number;
  nextAt: number;
}

/** Start a run, or restart the one this (incident, level) already had (escalated back to it). */
export async function upsertRun(db: Kysely<Database>, run: NewRun): Promise<void> {
  const values = {
    incident_id: run.incidentId,
    level: run.level,
    policy_id: run.policyId,
    steps: run.steps,
    started_at: run.startedAt,
    next_n: run.nextN,
    next_at: run.nextAt,
    state: 'active' as const,
    claim_token: null,
    lease_until: null,
    updated_at: run.startedAt,
  };
  await db
    .insertInto('incident_escalations')
    .values({ id: `${run.incidentId}/${run.level}`, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
}

/** Stop an incident's active runs (acknowledged, resolved, or moved to another level). */
export async function stopRuns(
  db: Kysely<Database>,
  incidentId: string,
  now: number,
  exceptLevel?: SupportLevel,
): Promise<number> {
  let query = db
    .updateTable('incident_escalations')
    .set({ state: 'stopped', claim_token: null, lease_until: null, updated_at: now })
    .where('incident_id', '=', incidentId)
    .where('state', '=', 'active');
  if (exceptLevel !== undefined) query = query.where('level', '!=', exceptLevel);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface EscalationClaim {
  now: number;
  limit: number;
  /** Past this, a run whose claimer died is due again. */
  leaseMs: number;
  /** Unique per claim; the run is only advanced while it still carries it. */
  claimToken: string;
}

/**
 * The claim as one UPDATE … WHERE id IN (SELECT … LIMIT) … RETURNING: atomic on SQLite, where
 * writers are serialised; on PostgreSQL the inner select takes `FOR UPDATE SKIP LOCKED`, so two
 * hubs sweeping at once never claim the same run. Exported to be compiled in tests.
 */
export function claimDueRunsQuery(db: Kysely<Database>, claim: EscalationClaim) {
  const lockable = db.getExecutor().adapter instanceof PostgresAdapter;
  const due = db
    .selectFrom('incident_escalations')
    .select('id')
    .where('state', '=', 'active')
    .where('next_at', '<=', claim.now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', claim.now)]))
    .orderBy('next_at')
    .limit(claim.limit)
    .$if(lockable, (qb) => qb.forUpdate().skipLocked());
  return db
    .updateTable('incident_escalations')
    .set({ claim_token: claim.claimToken, lease_until: claim.now + claim.leaseMs, updated_at: claim.now })
    .where('id', 'in', due)
    .returningAll();
}

/** Claim the runs due at `now` for this sweep (see claimDueRunsQuery). */
export async function claimDueRuns(
  db: Kysely<Database>,
  claim: EscalationClaim,
): Promise<EscalationRunRow[]> {
  return claimDueRunsQuery(db, claim).execute();
}

/**
 * Move a claimed run to its next firing, or end it (`next` null → done, or the given state).
 * False when the claim was lost (the lease expired and another sweep took the run).
 */
export async function releaseRun(
  db: Kysely<Database>,
  id: string,
  claimToken: string,
  next: { n: number; at: number } | { state: 'done' | 'stopped' },
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('incident_escalations')
    .set({
      ...('state' in next ? { state: next.state } : { next_n: next.n, next_at: next.at }),
      claim_token: null,
      lease_until: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('claim_token', '=', claimToken)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** An incident's runs, for its detail view. */
export async function listRuns(db: Kysely<Database>, incidentId: string): Promise<EscalationRunRow[]> {
  return db
    .selectFrom('incident_escalations')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('started_at')
    .execute();
}
