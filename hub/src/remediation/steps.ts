import type { RemediateMessage, RemediationParams } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { recordSecurityEvent } from '../audit/store.js';
import type { Database } from '../db/database.js';
import type { IncidentEventKind } from '../db/incident-event-kinds.js';
import type { Resolution } from '../db/tables/incidents.js';
import type { RemediationState } from '../db/tables/remediations.js';
import { hostnameOf } from '../incidents/notices.js';
import { pageOpened } from '../incidents/open-incident.js';
import { resolveIncident } from '../incidents/resolve.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { insertIncidentEvent } from '../repositories/incident-events.js';
import { findIncident } from '../repositories/incidents.js';
import type { RandomBytes } from '../security/secrets.js';
import type { RemediationLink } from './link.js';
import {
  answerAttempt,
  countAttemptsSince,
  findActiveRemediation,
  insertAttempt,
  listDueRemediations,
  type RemediationRow,
  updateRemediation,
} from './store.js';

/** How long the hub waits for an agent's answer to a `remediate` (an action may run 60 s). */
export const ANSWER_TIMEOUT_MS = 90_000;
/** A pending attempt whose agent is not connected here is looked at again after this long. */
const RETRY_UNREACHABLE_MS = 2_000;
/** Episodes moved on per tick, at most (the rest next tick). */
const PER_TICK = 100;

const ACTOR = 'rule:n0';

interface StepDeps {
  readonly db: Kysely<Database>;
  readonly runtime: IncidentRuntime;
  readonly clock: () => number;
  readonly random: RandomBytes;
  readonly log: Logger;
  readonly link: RemediationLink;
}

/** The steps of an N0 episode, each inside a transaction; sends happen after the commit. */
export function createEpisodeSteps(deps: StepDeps) {
  const { db, runtime, log } = deps;

  async function event(
    trx: Kysely<Database>,
    row: Pick<RemediationRow, 'incident_id' | 'dedup_key'>,
    at: number,
    kind: IncidentEventKind,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await insertIncidentEvent(trx, deps.random, {
      incidentId: row.incident_id,
      key: row.dedup_key,
      at,
      actor: ACTOR,
      kind,
      detail,
    });
  }

  async function end(
    trx: Kysely<Database>,
    row: RemediationRow,
    now: number,
    state: RemediationState,
    reason: string,
  ): Promise<boolean> {
    const changed = await updateRemediation(
      trx,
      row.id,
      { state, reason, ended_at: now, updated_at: now, next_at: now },
      row.state,
    );
    if (!changed) return false;
    if (state === 'cancelled')
      await event(trx, row, now, 'remediation_cancelled', { action: row.action, reason });
    return true;
  }

  /** Resolve the episode's ticket without a notice: nobody was paged for it. */
  async function resolveQuietly(
    trx: Kysely<Database>,
    row: RemediationRow,
    now: number,
    resolution: Resolution,
  ) {
    if (row.incident_id === null) return;
    const incident = await findIncident(trx, row.incident_id);
    if (!incident || incident.open_key === null) return;
    await resolveIncident(trx, runtime, incident, {
      resolution,
      reason: resolution === 'n0' ? 'N0 remediation' : 'recovered',
      actor: ACTOR,
      now,
      silent: true,
    });
  }

  /** N0 did not fix it: the ticket goes to its level, paged now, its attempts in its timeline. */
  async function page(trx: Kysely<Database>, row: RemediationRow, now: number) {
    if (row.incident_id === null) return;
    const incident = await findIncident(trx, row.incident_id);
    // Resolved meanwhile, or a technician already has it.
    if (!incident || incident.open_key === null || incident.state !== 'new') return;
    // A child is paged through its open parent, unless that parent is itself waiting for N0.
    if (incident.parent_id !== null) {
      const parent = await findIncident(trx, incident.parent_id);
      const parentInN0 =
        parent !== undefined && (await findActiveRemediation(trx, parent.dedup_key)) !== undefined;
      if (parent && parent.open_key !== null && !parentInN0) return;
    }
    await pageOpened(trx, runtime, incident, {
      now,
      hostname: await hostnameOf(trx, incident.host_id),
      reason: `N0 remediation (${row.action}) did not fix ${incident.check}: ${row.attempts} attempt(s)`,
    });
  }

  async function exhaust(trx: Kysely<Database>, row: RemediationRow, now: number, reason: string) {
    if (!(await end(trx, row, now, 'exhausted', reason))) return;
    await event(trx, row, now, 'remediation_exhausted', {
      action: row.action,
      attempts: row.attempts,
      reason,
    });
    await page(trx, row, now);
  }

  /** The agent would not run it: audited when the machine never allowed it (the two-key rule). */
  async function refused(trx: Kysely<Database>, row: RemediationRow, now: number, reason: string) {
    if (reason === 'not-failing') {
      // Its check recovered before the request arrived: gone without N0, never paged.
      if (await end(trx, row, now, 'cancelled', 'recovered')) await resolveQuietly(trx, row, now, 'auto');
      return;
    }
    if (!(await end(trx, row, now, 'refused', reason))) return;
    await event(trx, row, now, 'remediation_refused', { action: row.action, reason });
    if (reason === 'not-allowed')
      await recordSecurityEvent(
        { db: trx, clock: () => now, random: deps.random },
        {
          kind: 'remediation.refused',
          reason: 'ACTION_NOT_ALLOWED',
          subject: row.host_id,
          details: { action: row.action, check: row.check, resource: row.resource, remediationId: row.id },
        },
      );
    await page(trx, row, now);
  }

  async function succeed(trx: Kysely<Database>, row: RemediationRow, now: number) {
    if (!(await end(trx, row, now, 'succeeded', 'recovered'))) return;
    await event(trx, row, now, 'remediation_succeeded', { action: row.action, attempts: row.attempts });
    await resolveQuietly(trx, row, now, 'n0');
  }

  /** An attempt's deadline: verified ok → success; otherwise the next attempt, or page. */
  async function deadline(trx: Kysely<Database>, row: RemediationRow, now: number) {
    if (row.recovered_at !== null) return succeed(trx, row, now);
    if (row.state === 'sent') {
      await answerAttempt(trx, `${row.id}-${row.attempts}`, {
        result_at: now,
        outcome: 'no-answer',
        reason: null,
        detail: '{}',
      });
    }
    const why = row.state === 'sent' ? 'no-answer' : 'still-failing';
    if (row.attempts < row.max_attempts) {
      await updateRemediation(trx, row.id, { state: 'pending', next_at: now, updated_at: now }, row.state);
      return;
    }
    await exhaust(trx, row, now, why);
  }

  /** The next attempt: decided in a transaction, sent once committed. */
  async function pending(row: RemediationRow, now: number): Promise<void> {
    const message = await db.transaction().execute(async (trx): Promise<RemediateMessage | undefined> => {
      const incident = row.incident_id === null ? undefined : await findIncident(trx, row.incident_id);
      if (row.incident_id !== null) {
        if (!incident || incident.open_key === null) {
          await end(trx, row, now, 'cancelled', 'resolved');
          return undefined;
        }
        // Never while a technician holds the incident: it is theirs now.
        if (incident.state === 'acknowledged' || incident.assignee !== null) {
          await end(trx, row, now, 'cancelled', 'acknowledged');
          return undefined;
        }
      }
      if (!deps.link.capable(row.host_id)) {
        if (now - row.updated_at > row.verify_sec * 1000) await exhaust(trx, row, now, 'agent-unreachable');
        else await updateRemediation(trx, row.id, { next_at: now + RETRY_UNREACHABLE_MS }, 'pending');
        return undefined;
      }
      const key = { hostId: row.host_id, check: row.check, resource: row.resource };
      if ((await countAttemptsSince(trx, key, now - row.window_sec * 1000)) >= row.max_attempts) {
        await exhaust(trx, row, now, 'bound-reached');
        return undefined;
      }
      const attempt = row.attempts + 1;
      const claimed = await updateRemediation(
        trx,
        row.id,
        { state: 'sent', attempts: attempt, next_at: now + ANSWER_TIMEOUT_MS, updated_at: now },
        'pending',
      );
      if (!claimed) return undefined;
      const attemptId = `${row.id}-${attempt}`;
      await insertAttempt(trx, {
        id: attemptId,
        remediation_id: row.id,
        host_id: row.host_id,
        check: row.check,
        resource: row.resource,
        action: row.action,
        attempt,
        sent_at: now,
        result_at: null,
        outcome: null,
        reason: null,
        detail: '{}',
      });
      await event(trx, row, now, 'remediation_attempt', {
        action: row.action,
        attempt,
        maxAttempts: row.max_attempts,
      });
      return {
        type: 'remediate',
        attemptId,
        check: row.check,
        resource: row.resource,
        action: row.action,
        params: JSON.parse(row.params) as RemediationParams,
        attempt,
        maxAttempts: row.max_attempts,
        windowSec: row.window_sec,
      };
    });
    // Not delivered (the agent just left): the answer timeout counts it as a failed attempt.
    if (message && !deps.link.send(row.host_id, message))
      log.warn({ hostId: row.host_id, attemptId: message.attemptId }, 'remediation request not delivered');
  }

  /** Move every due episode one step; returns how many were looked at. */
  async function tick(): Promise<number> {
    const now = deps.clock();
    const due = await listDueRemediations(db, now, PER_TICK);
    for (const row of due) {
      try {
        if (row.state === 'pending') await pending(row, now);
        else await db.transaction().execute((trx) => deadline(trx, row, now));
      } catch (error) {
        log.error({ err: error, remediationId: row.id }, 'remediation step failed');
      }
    }
    return due.length;
  }

  return { event, end, resolveQuietly, refused, tick };
}
