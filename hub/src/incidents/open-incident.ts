import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { GroupKind, IncidentSource } from '../db/tables/incidents.js';
import { adoptHeldEvents, insertIncidentEvent } from '../repositories/incident-events.js';
import { findOpenIncident, type IncidentRow, insertIncidentIfNoneOpen } from '../repositories/incidents.js';
import { findArticleForCheck } from '../repositories/kb-articles.js';
import { generateId } from '../security/secrets.js';
import { stormKey } from './engine/grouping.js';
import type { Grade, Placement, Signal } from './engine/types.js';
import { startEscalation } from './escalation/runs.js';
import { captureFaultProcesses } from './fault-context.js';
import { notice } from './notices.js';
import type { IncidentNotice } from './notifier.js';
import { linkProblem } from './problems.js';
import { raiseParentByChild } from './raise-parent.js';
import type { IncidentRuntime } from './runtime.js';
import { withSla } from './sla/incident-sla.js';
import { type IncidentText, isTitleCode } from './text/codes.js';
import { englishTitle } from './text/render.js';

/** A title as data: the source's own code, else what (check), which resource, where. */
export function titleOf(signal: Pick<Signal, 'check' | 'resource' | 'host' | 'site' | 'text'>): IncidentText {
  if (signal.text && isTitleCode(signal.text.code))
    return { code: signal.text.code, params: signal.text.params };
  return {
    code: 'check',
    params: { check: signal.check, resource: signal.resource, where: signal.host?.hostname ?? signal.site },
  };
}

/** Build a new open incident row. */
export function newIncidentRow(
  runtime: IncidentRuntime,
  fields: {
    signal: Signal;
    grade: Grade;
    source: IncidentSource;
    now: number;
    text?: IncidentText;
    parentId?: string | null;
    previousId?: string | null;
    groupKind?: GroupKind | null;
    kbArticleId?: string | null;
  },
): IncidentRow {
  const { signal, grade, now } = fields;
  const text = fields.text ?? titleOf(signal);
  return {
    id: generateId('inc', runtime.random),
    dedup_key: signal.key,
    open_key: signal.key,
    source: fields.source,
    client: signal.client,
    site: signal.site,
    host_id: signal.host?.id ?? null,
    check: signal.check,
    resource: signal.resource,
    title: englishTitle(text),
    title_code: text.code,
    title_params: JSON.stringify(text.params),
    state: 'new',
    severity: grade.severity,
    urgency: grade.urgency,
    impact: grade.impact,
    priority: grade.priority,
    priority_manual: 0,
    level: grade.level,
    flapping: 0,
    flaps: 0,
    resolution: null,
    group_kind: fields.groupKind ?? null,
    parent_id: fields.parentId ?? null,
    previous_id: fields.previousId ?? null,
    problem_id: null,
    kb_article_id: fields.kbArticleId ?? null,
    occurrences: 1,
    first_occurrence_at: now,
    last_occurrence_at: now,
    recovered_at: null,
    opened_at: now,
    acknowledged_at: null,
    assignee: null,
    resolved_at: null,
    closed_at: null,
    updated_at: now,
    // SLA columns are filled by withSla() once the calendar of the client's site is known.
    sla_own_target_ms: null,
    sla_own_warn_at: null,
    sla_own_due_at: null,
    sla_resolve_target_ms: null,
    sla_resolve_warn_at: null,
    sla_resolve_due_at: null,
    sla_paused_since: null,
    sla_paused_ms: 0,
    sla_warned_at: null,
    sla_resolve_warned_at: null,
    sla_own_breached_at: null,
    sla_resolve_breached_at: null,
    escalated_at: null,
  };
}

/**
 * Insert a decided opening with its timeline, its N0 article, its place in a group, its problem
 * and its notice. Returns undefined when the database says the key is already open (a race).
 */
export async function openIncident(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  decision: {
    signal: Signal;
    grade: Grade;
    placement: Placement;
    previousId: string | null;
    source: IncidentSource;
    /** The engine's raise of the parent, if it decided one; computed here when not given. */
    raisesParent?: Grade | null;
    /**
     * N0 first: open without the notice and the escalation policy; the remediation service pages
     * later (pageDeferred) if its attempts do not fix the fault (decision 0029).
     */
    deferPaging?: boolean;
  },
  now: number,
): Promise<IncidentRow | undefined> {
  const { signal, grade } = decision;
  let parentId: string | null = null;
  if (decision.placement.kind === 'child') parentId = decision.placement.parentId;
  if (decision.placement.kind === 'storm-parent')
    parentId = (await ensureStormParent(trx, runtime, decision, now)).id;

  const article = await findArticleForCheck(trx, signal.check);
  const fresh = newIncidentRow(runtime, {
    signal,
    grade,
    source: decision.source,
    now,
    parentId,
    previousId: decision.previousId,
    kbArticleId: article?.id ?? null,
    // A site's silence exists for its hosts' silences: it lives as long as one of them is open.
    groupKind: signal.check === 'site.silent' ? 'site' : null,
  });
  const row = await withSla(trx, runtime, fresh);
  if (!(await insertIncidentIfNoneOpen(trx, row))) return undefined;
  const event = { key: signal.key, at: now, actor: `rule:${signal.check}` };
  await insertIncidentEvent(trx, runtime.random, {
    ...event,
    incidentId: row.id,
    kind: 'opened',
    detail: {
      severity: grade.severity,
      urgency: grade.urgency,
      impact: grade.impact,
      priority: grade.priority,
      level: grade.level,
      route: grade.route,
      observedAt: signal.observedAt,
      value: signal.value,
      threshold: signal.threshold,
      message: signal.message,
      previousId: decision.previousId,
      parentId,
    },
  });
  await adoptHeldEvents(trx, signal.key, row.id);
  // A fault the agent reported (a metric rule or a check): what the host was running then.
  if (decision.source === 'agent' && row.host_id !== null)
    await captureFaultProcesses(trx, { id: row.id, hostId: row.host_id }, signal.observedAt, now);
  if (decision.previousId !== null) {
    await insertIncidentEvent(trx, runtime.random, {
      ...event,
      incidentId: decision.previousId,
      kind: 'followed_by',
      detail: { incidentId: row.id },
    });
  }
  if (parentId !== null) {
    await insertIncidentEvent(trx, runtime.random, {
      ...event,
      incidentId: parentId,
      kind: 'child_attached',
      detail: { incidentId: row.id, title: row.title, priority: row.priority },
    });
    await raiseParentByChild(
      trx,
      runtime,
      { parentId, childId: row.id, grade, raise: decision.raisesParent },
      now,
    );
  } else if (decision.deferPaging !== true) {
    await pageOpened(trx, runtime, row, {
      now,
      hostname: signal.host?.hostname ?? null,
      reason: `${grade.severity} ${signal.check}, routed by "${grade.route}"`,
      reasonCode: 'opened',
      reasonParams: { severity: grade.severity, check: signal.check },
    });
  }
  await linkProblem(trx, runtime, row, now);
  return row;
}

/**
 * The opening's notice and its level's escalation policy. Called at opening, or later for an
 * incident whose paging N0 deferred and could not avoid (decision 0029).
 */
export async function pageOpened(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  row: IncidentRow,
  facts: {
    now: number;
    hostname: string | null;
    reason: string;
    reasonCode?: IncidentNotice['reasonCode'];
    reasonParams?: IncidentNotice['reasonParams'];
  },
): Promise<void> {
  await notice(trx, runtime, row, 'opened', {
    at: facts.now,
    reason: facts.reason,
    hostname: facts.hostname,
    ...(facts.reasonCode !== undefined && { reasonCode: facts.reasonCode, reasonParams: facts.reasonParams }),
  });
  // Children are covered by their parent's notices and policy.
  await startEscalation(trx, runtime, row, facts.now);
}

/** The open storm ticket for a client's check, opened now if there is none. */
async function ensureStormParent(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  decision: { signal: Signal; grade: Grade },
  now: number,
): Promise<IncidentRow> {
  const key = stormKey(decision.signal.client, decision.signal.check);
  const existing = await findOpenIncident(trx, key);
  if (existing) return existing;
  const signal: Signal = { ...decision.signal, key, host: null, resource: '' };
  const row = await withSla(
    trx,
    runtime,
    newIncidentRow(runtime, {
      signal,
      grade: decision.grade,
      source: 'hub',
      now,
      groupKind: 'storm',
      text: { code: 'storm', params: { check: signal.check, client: signal.client } },
    }),
  );
  if (!(await insertIncidentIfNoneOpen(trx, row))) {
    const raced = await findOpenIncident(trx, key);
    if (raced) return raced;
    throw new Error(`storm ticket ${key} neither inserted nor found`);
  }
  await insertIncidentEvent(trx, runtime.random, {
    incidentId: row.id,
    key,
    at: now,
    actor: `rule:${signal.check}`,
    kind: 'opened',
    detail: { storm: true, cap: runtime.settings.stormCap, periodMs: runtime.settings.stormPeriodMs },
  });
  await notice(trx, runtime, row, 'opened', {
    at: now,
    reason: `more than ${runtime.settings.stormCap} ${signal.check} incidents within the storm period`,
    reasonCode: 'storm',
    reasonParams: { cap: runtime.settings.stormCap, check: signal.check },
    hostname: null,
  });
  await startEscalation(trx, runtime, row, now);
  return row;
}
