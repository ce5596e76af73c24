import type { EscalationStep } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { claimDueRuns, releaseRun } from '../../repositories/incident-escalations.js';
import { findIncident } from '../../repositories/incidents.js';
import { generateId } from '../../security/secrets.js';
import { technicianActed } from '../engine/types.js';
import { incidentFacts } from '../facts.js';
import type { IncidentRuntime } from '../runtime.js';
import { expandPolicy } from './policy.js';
import { fire } from './runs.js';

/** How long a claimed run stays with its sweep before another may take it over. */
const LEASE_MS = 60_000;

/**
 * Send the policy notices due at `now`. Runs are claimed first (one statement, see
 * claimDueRuns), then each is advanced and its notice queued in one transaction guarded on the
 * claim, so two sweeps at the same instant (or two hubs) send each firing once. A run whose
 * incident was acknowledged, recovered, resolved or moved to another level stops instead.
 */
export async function sweepEscalations(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  now: number,
  limit = 100,
): Promise<{ notified: number; stopped: number }> {
  const claimToken = generateId('clm', runtime.random);
  const runs = await claimDueRuns(db, { now, limit, leaseMs: LEASE_MS, claimToken });
  let notified = 0;
  let stopped = 0;
  for (const run of runs) {
    await db.transaction().execute(async (trx) => {
      const incident = await findIncident(trx, run.incident_id);
      const firings = expandPolicy(JSON.parse(run.steps) as EscalationStep[]);
      const firing = firings[run.next_n - 1];
      const live =
        incident !== undefined &&
        incident.open_key !== null &&
        // Recovered and waiting out its quiet period: nobody is paged for a fault that is gone.
        incident.recovered_at === null &&
        incident.level === run.level &&
        !technicianActed(incidentFacts(incident));
      if (!live || firing === undefined) {
        if (await releaseRun(trx, run.id, claimToken, { state: live ? 'done' : 'stopped' }, now))
          stopped += 1;
        return;
      }
      const next = firings[run.next_n];
      const advanced = await releaseRun(
        trx,
        run.id,
        claimToken,
        next ? { n: next.n, at: Number(run.started_at) + next.offsetMs } : { state: 'done' },
        now,
      );
      if (!advanced) return;
      await fire(trx, runtime, incident, firing, now, {
        policy: run.policy_id ?? 'stock',
        skipOwnLevel: false,
      });
      notified += 1;
    });
  }
  return { notified, stopped };
}
