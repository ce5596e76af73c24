import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { findPolicyFor } from '../../repositories/escalation-policies.js';
import { stopRuns, upsertRun } from '../../repositories/incident-escalations.js';
import { insertIncidentEvent } from '../../repositories/incident-events.js';
import type { IncidentRow } from '../../repositories/incidents.js';
import { technicianActed } from '../engine/types.js';
import { incidentFacts } from '../facts.js';
import { hostnameOf, notice, reopenEpoch } from '../notices.js';
import type { IncidentRuntime } from '../runtime.js';
import { formatDuration } from '../sla/settings.js';
import { expandPolicy, type Firing, firingKey, isLevelTarget } from './policy.js';

/**
 * Start the escalation policy of the incident's level (the client's own, else the level's stored
 * default, else the stock one) and stop the runs of other levels. Firings due at once are sent
 * now, in the caller's transaction; the rest wait for the sweep. The incident's own level at
 * firing 1 is skipped: the opening or escalation notice, under the same key, already told it.
 */
export async function startEscalation(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  incident: IncidentRow,
  now: number,
): Promise<void> {
  await stopRuns(trx, incident.id, now, incident.level);
  // Owned already (a technician moved it): nobody needs paging.
  if (technicianActed(incidentFacts(incident))) return stopRuns(trx, incident.id, now).then(() => undefined);
  const policy = await findPolicyFor(trx, incident.level, incident.client);
  const steps = policy?.steps ?? runtime.sla.escalation[incident.level];
  const firings = expandPolicy(steps);
  for (const firing of firings.filter((f) => f.offsetMs === 0)) {
    await fire(trx, runtime, incident, firing, now, { policy: policy?.name ?? 'stock', skipOwnLevel: true });
  }
  const next = firings.find((f) => f.offsetMs > 0);
  if (!next) return;
  await upsertRun(trx, {
    incidentId: incident.id,
    level: incident.level,
    policyId: policy?.id ?? null,
    steps: JSON.stringify(steps),
    startedAt: now,
    nextN: next.n,
    nextAt: now + next.offsetMs,
  });
}

/** Stop every policy run of an incident (it was acknowledged, assigned, set pending or resolved). */
export async function stopEscalation(trx: Kysely<Database>, incidentId: string, now: number): Promise<void> {
  await stopRuns(trx, incidentId, now);
}

/** Send one firing of a run to its targets and record it in the timeline. */
export async function fire(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  incident: IncidentRow,
  firing: Firing,
  now: number,
  how: { policy: string; skipOwnLevel: boolean },
): Promise<void> {
  const targets = firing.notify.filter((t) => !(how.skipOwnLevel && firing.n === 1 && t === incident.level));
  if (targets.length === 0) return;
  const deliveryKey = firingKey(incident.id, incident.level, firing.n, await reopenEpoch(trx, incident.id));
  const reason =
    firing.offsetMs === 0
      ? `${incident.level} escalation policy "${how.policy}": notified at once`
      : `${incident.level} escalation policy "${how.policy}": not acknowledged after ${formatDuration(firing.offsetMs)} (notice ${firing.n})`;
  const hostname = await hostnameOf(trx, incident.host_id);
  for (const target of targets) {
    await notice(trx, runtime, incident, 'escalated', {
      at: now,
      reason,
      hostname,
      deliveryKey,
      to: isLevelTarget(target) ? { level: target } : { channelId: target },
    });
  }
  await insertIncidentEvent(trx, runtime.random, {
    incidentId: incident.id,
    key: incident.dedup_key,
    at: now,
    actor: 'rule:escalation',
    kind: 'escalation_notified',
    detail: {
      n: firing.n,
      targets,
      deliveryKey,
      policy: how.policy,
      reason,
      unacknowledgedMs: firing.offsetMs,
    },
  });
}
