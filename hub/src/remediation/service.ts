import {
  type CheckStateMessage,
  isRemediableCheck,
  type Policy,
  type RemediationParams,
  type RemediationResultMessage,
} from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import { dedupKey } from '../incidents/facts.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { hostPolicy } from '../policies/host-policy.js';
import { findHeldSignal } from '../repositories/held-signals.js';
import { findHost } from '../repositories/hosts.js';
import { findIncident, findOpenIncident } from '../repositories/incidents.js';
import { generateId, type RandomBytes } from '../security/secrets.js';
import type { RemediationHooks, RemediationPlan } from './hooks.js';
import type { RemediationLink } from './link.js';
import { createEpisodeSteps } from './steps.js';
import {
  answerAttempt,
  countAttemptsSince,
  findActiveRemediation,
  findAttempt,
  findRemediation,
  insertRemediation,
  updateRemediation,
} from './store.js';

export interface RemediationServiceDeps {
  readonly db: Kysely<Database>;
  readonly runtime: IncidentRuntime;
  readonly clock: () => number;
  readonly random: RandomBytes;
  readonly log: Logger;
  /** The hub's default policy (`--policy`), under the stored layers: where the rules come from. */
  readonly defaults: Policy;
  readonly link: RemediationLink;
}

/**
 * N0 remediation (decision 0029): the hub decides when to ask (it knows acknowledgements and
 * maintenance windows), the agent decides whether it may (its own allow-list and bound). Ingest
 * calls `hooks` inside its transactions; `tick` moves each running episode on (send the next
 * attempt, judge an attempt whose verification delay is over, page when N0 did not fix it).
 */
export function createRemediationService(deps: RemediationServiceDeps) {
  const { log } = deps;
  const steps = createEpisodeSteps(deps);

  const hooks: RemediationHooks = {
    async beforeFault(trx, hostId, message, now): Promise<RemediationPlan | undefined> {
      // Most faults have no N0 action at all: they cost nothing more than this test.
      if (!isRemediableCheck(message.check)) return undefined;
      const resource = message.resource ?? '';
      const view = await hostPolicy(trx, deps.defaults, hostId);
      if (!view) return undefined;
      const key = dedupKey(view.host.client, hostId, message.check, resource);
      const active = await findActiveRemediation(trx, key);
      if (active) {
        // The fault is back before the verification delay ended: that attempt did not hold.
        if (active.recovered_at !== null)
          await updateRemediation(trx, active.id, { recovered_at: null, updated_at: now }, active.state);
        return { kind: 'active', id: active.id };
      }
      const rule = view.effective.remediation[message.check];
      if (!rule || !deps.link.capable(hostId)) return undefined;
      // A ticket is already open (maybe in a technician's hands): it is theirs, not N0's.
      if (await findOpenIncident(trx, key)) return undefined;
      const used = await countAttemptsSince(
        trx,
        { hostId, check: message.check, resource },
        now - rule.windowSec * 1000,
      );
      if (used >= rule.attempts) return undefined;
      return { kind: 'new', key, hostId, client: view.host.client, check: message.check, resource, rule };
    },

    async afterFault(trx, plan, outcome, now) {
      if (plan.kind !== 'new') return;
      let incidentId: string | null = null;
      let level = 'N1';
      if (outcome.decision === 'open' && outcome.incidentId !== null) {
        const incident = await findIncident(trx, outcome.incidentId);
        if (!incident) return;
        incidentId = incident.id;
        level = incident.level;
      } else if (outcome.decision === 'hold' && plan.rule.inMaintenance) {
        // Held for a maintenance window and the policy allows N0 there: no ticket to attach to.
        if ((await findHeldSignal(trx, plan.key))?.reason !== 'maintenance') return;
      } else return;
      const { rule } = plan;
      const params: RemediationParams = {
        ...(rule.folder !== undefined && { folder: rule.folder }),
        ...(rule.olderThanDays !== undefined && { olderThanDays: rule.olderThanDays }),
      };
      const id = generateId('rmd', deps.random);
      await insertRemediation(trx, {
        id,
        incident_id: incidentId,
        dedup_key: plan.key,
        host_id: plan.hostId,
        client: plan.client,
        check: plan.check,
        resource: plan.resource,
        action: rule.action,
        params: JSON.stringify(params),
        max_attempts: rule.attempts,
        window_sec: rule.windowSec,
        verify_sec: rule.verifySec,
        level: level as 'N1',
        state: 'pending',
        attempts: 0,
        next_at: now,
        reason: null,
        recovered_at: null,
        created_at: now,
        updated_at: now,
        ended_at: null,
      });
      await steps.event(trx, { incident_id: incidentId, dedup_key: plan.key }, now, 'remediation_started', {
        action: rule.action,
        maxAttempts: rule.attempts,
        verifySec: rule.verifySec,
        ...(incidentId === null && { reason: 'maintenance' }),
      });
    },

    async recovered(trx, hostId, message: CheckStateMessage, now) {
      if (!isRemediableCheck(message.check)) return false;
      const host = await findHost(trx, hostId);
      if (!host) return false;
      const key = dedupKey(host.client, hostId, message.check, message.resource ?? '');
      const active = await findActiveRemediation(trx, key);
      if (!active) return false;
      if (active.attempts === 0) {
        // Gone before N0 did anything: never paged, so resolved without a word.
        await steps.end(trx, active, now, 'cancelled', 'recovered');
        await steps.resolveQuietly(trx, active, now, 'auto');
        return active.incident_id !== null;
      }
      if (active.recovered_at === null)
        await updateRemediation(trx, active.id, { recovered_at: now, updated_at: now }, active.state);
      // Without a ticket (maintenance) the engine releases its hold as usual.
      return active.incident_id !== null;
    },

    async result(trx, hostId, message: RemediationResultMessage, now) {
      const attempt = await findAttempt(trx, message.attemptId);
      // An agent answers only the attempts sent to its own host.
      if (!attempt || attempt.host_id !== hostId) {
        log.warn({ hostId, attemptId: message.attemptId }, 'remediation result for an unknown attempt');
        return;
      }
      const detail = {
        ...(message.removedFiles !== undefined && { removedFiles: message.removedFiles }),
        ...(message.freedBytes !== undefined && { freedBytes: message.freedBytes }),
        ...(message.exitCode !== undefined && { exitCode: message.exitCode }),
        ...(message.durationMs !== undefined && { durationMs: message.durationMs }),
      };
      const answered = await answerAttempt(trx, attempt.id, {
        result_at: now,
        outcome: message.outcome,
        reason: message.reason ?? null,
        detail: JSON.stringify(detail),
      });
      if (!answered) return;
      const row = await findRemediation(trx, attempt.remediation_id);
      if (!row) return;
      await steps.event(trx, row, now, 'remediation_result', {
        action: row.action,
        attempt: attempt.attempt,
        maxAttempts: row.max_attempts,
        outcome: message.outcome,
        ...(message.reason !== undefined && { reason: message.reason }),
        ...detail,
      });
      if (row.state !== 'sent' || row.attempts !== attempt.attempt) return;
      // Busy (too many queued on the machine) is not a refusal: the attempt failed, the next may not.
      if (message.outcome === 'refused' && message.reason !== 'busy') {
        await steps.refused(trx, row, now, message.reason ?? 'unsupported');
        return;
      }
      await updateRemediation(
        trx,
        row.id,
        { state: 'verifying', next_at: now + row.verify_sec * 1000, updated_at: now },
        'sent',
      );
    },
  };

  return { hooks, tick: steps.tick };
}
export type RemediationService = ReturnType<typeof createRemediationService>;
