import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { findIncident, listTickCandidates } from '../../repositories/incidents.js';
import { decideTick } from '../engine/decide-tick.js';
import { incidentFacts } from '../facts.js';
import { closeIncident, resolveIncident } from '../resolve.js';
import type { IncidentRuntime } from '../runtime.js';
import { DEFAULT_SWEEP_BUDGET, yieldToEventLoop } from './slices.js';

/**
 * Apply what time decides: auto-resolve after the quiet period, resolve stale triggers, close
 * after the grace. Each incident is re-read and changed in its own transaction, guarded on its
 * state, so two sweeps (or two hubs) racing apply each change once.
 */
export async function sweepTimers(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  now: number,
): Promise<{ resolved: number; closed: number }> {
  const { settings } = runtime;
  const candidates = await listTickCandidates(db, {
    recoveredBefore: now - settings.quietPeriodMs,
    lastOccurrenceBefore: now - settings.staleAfterMs,
    resolvedBefore: now - settings.closeGraceMs,
  });
  let resolved = 0;
  let closed = 0;
  for (const [index, candidate] of candidates.entries()) {
    // Thousands of silences recovering at once: let requests through now and then.
    if (index > 0 && index % DEFAULT_SWEEP_BUDGET.sliceSize === 0) await yieldToEventLoop();
    await db.transaction().execute(async (trx) => {
      const row = await findIncident(trx, candidate.id);
      if (!row) return;
      const decision = decideTick(incidentFacts(row), settings, now);
      if (decision.kind === 'resolve') {
        const reason =
          decision.reason === 'stale'
            ? 'no recovery signal before the staleness timeout'
            : 'recovery held for the quiet period';
        if (await resolveIncident(trx, runtime, row, { resolution: 'auto', reason, actor: 'system', now }))
          resolved += 1;
      } else if (decision.kind === 'close') {
        if (
          await closeIncident(trx, runtime, row, {
            actor: 'system',
            now,
            reason: 'grace period after resolution',
          })
        )
          closed += 1;
      }
    });
  }
  return { resolved, closed };
}
