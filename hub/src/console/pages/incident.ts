import type { ProcessInfo } from '@vigie/shared';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { TECHNICIAN_ACTIONS, type TechnicianAction } from '../../incidents/engine/actions.js';
import { defaultIncidentRuntime } from '../../incidents/runtime.js';
import { incidentSlaView } from '../../incidents/sla/incident-sla-view.js';
import { applyTechnicianAction } from '../../incidents/technician-actions.js';
import { listCalendars } from '../../repositories/business-calendars.js';
import { findHost } from '../../repositories/hosts.js';
import { type IncidentEventRow, listIncidentEvents } from '../../repositories/incident-events.js';
import { findIncident, type IncidentRow } from '../../repositories/incidents.js';
import { listInventoryChanges } from '../../repositories/inventory-changes.js';
import { findArticle } from '../../repositories/kb-articles.js';
import { findProblem } from '../../repositories/problems.js';
import { scopeAllows } from '../../tenancy/client-scope.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../env.js';
import { isMessageKey } from '../i18n/fr.js';
import type { Translate } from '../i18n/i18n.js';
import { type ProcessesAt, topProcessesAround } from '../queries/processes.js';
import { allow, TECHNICIANS } from '../security/guards.js';
import { optionalText } from '../views/fields.js';
import { duration, priorityBadge, slaBadge, stateLabel } from '../views/format.js';
import { csrfField, type Html, messagePage, page } from '../views/layout.js';
import { chart, seriesForCheck } from './charts.js';

/** Metrics shown around a fault: this long before it started, and after it ended. */
const CONTEXT_MS = 30 * 60_000;
const CHANGES_SINCE_MS = 7 * 86_400_000;

const actionForm = z.object({ text: optionalText(10_000), assignee: optionalText(256) });

function detailText(detail: string): string {
  try {
    const value = JSON.parse(detail) as Record<string, unknown>;
    return Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(' · ');
  } catch {
    return detail;
  }
}

function eventLabel(t: Translate, kind: string): string {
  const key = `ev_${kind}`;
  return isMessageKey(key) ? t(key) : kind;
}

function processTable(t: Translate, title: string, rows: readonly ProcessInfo[]): Html {
  if (rows.length === 0) return html``;
  return html`<table class="processes"><caption>${title}</caption>
    <thead><tr><th scope="col">${t('process')}</th><th scope="col">${t('pid')}</th><th scope="col">${t('processUser')}</th>
      <th scope="col">${t('cpuPct')}</th><th scope="col">${t('memoryMb')}</th></tr></thead>
    <tbody>${rows.map(
      (
        p,
      ) => html`<tr><td>${p.name}</td><td>${p.pid}</td><td>${p.user ?? ''}</td><td>${p.cpuPct.toFixed(1)}</td>
        <td>${(p.memBytes / 1_048_576).toFixed(0)}</td></tr>`,
    )}</tbody></table>`;
}

function processesSection(t: Translate, processes: ProcessesAt | undefined): Html {
  return html`<section aria-labelledby="processes-title"><h2 id="processes-title">${t('topProcesses')}</h2>
    ${
      processes
        ? html`<p>${t('processesAt', { at: t.dateTime(processes.at) })}</p>
        ${processTable(t, `${t('process')} — ${t('cpuPct')}`, processes.topByCpu)}
        ${processTable(t, `${t('process')} — ${t('memoryMb')}`, processes.topByMemory)}`
        : html`<p>${t('noProcesses')}</p>`
    }</section>`;
}

export function timeline(t: Translate, events: readonly IncidentEventRow[]): Html {
  return html`${events.map(
    (e) => html`<li data-kind="${e.kind}">
      <time datetime="${new Date(Number(e.at)).toISOString()}">${t.dateTime(Number(e.at))}</time>
      <strong data-kind="${e.kind}">${eventLabel(t, e.kind)}</strong> <span class="actor">${t('actor')} ${e.actor}</span>
      <div class="detail">${detailText(e.detail)}</div>
    </li>`,
  )}`;
}

function actions(c: Parameters<typeof csrfField>[0], incident: IncidentRow): Html {
  const t = c.var.t;
  const base = `${BASE}/incidents/${encodeURIComponent(incident.id)}`;
  const simple = TECHNICIAN_ACTIONS.filter((a) => a !== 'assign' && a !== 'comment');
  return html`<section aria-labelledby="actions-title" class="actions">
    <h2 id="actions-title">${t('actions')}</h2>
    <form method="post" action="${base}/comment">
      ${csrfField(c)}
      <label for="comment-text">${t('comment')}</label>
      <textarea id="comment-text" name="text" maxlength="10000" rows="3"></textarea>
      <div class="buttons">
        <button type="submit">${t('act_comment')}</button>
        ${simple.map(
          (a) =>
            html`<button type="submit" formaction="${base}/${a}" data-action="${a}">${t(`act_${a}`)}</button>`,
        )}
      </div>
    </form>
    <form method="post" action="${base}/assign" class="assign">
      ${csrfField(c)}
      <label>${t('assignee')} <input name="assignee" required maxlength="256" value="${c.var.user?.name ?? ''}" /></label>
      <button type="submit">${t('act_assign')}</button>
    </form>
  </section>`;
}

/** /console/incidents/:id — what, where, since, why this priority, the timeline, the metrics, the actions. */
export function incidentRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  const runtime = deps.incidents ?? defaultIncidentRuntime({ random: deps.random });

  app.get('/:id', async (c) => {
    const t = c.var.t;
    const found = await findIncident(deps.db, c.req.param('id'));
    const incident = found && scopeAllows(c.var.scope, found.client) ? found : undefined;
    if (!incident) return c.html(messagePage(c, t('notFoundTitle'), t('notFoundText')), 404);
    const events = await listIncidentEvents(deps.db, incident.id);
    if (c.req.query('fragment') === 'timeline') return c.html(timeline(t, events));

    const now = deps.clock();
    const host = incident.host_id === null ? undefined : await findHost(deps.db, incident.host_id);
    const sla = incidentSlaView(incident, await listCalendars(deps.db), now);
    const opened = events.find((e) => e.kind === 'opened');
    const openedDetail = opened
      ? (JSON.parse(opened.detail) as { value?: number | null; threshold?: number | null })
      : {};
    const changes = host
      ? await listInventoryChanges(deps.db, host.id, {
          from: Number(incident.first_occurrence_at) - CHANGES_SINCE_MS,
          limit: 20,
        })
      : [];
    const problem = incident.problem_id ? await findProblem(deps.db, incident.problem_id) : undefined;
    const article = incident.kb_article_id ? await findArticle(deps.db, incident.kb_article_id) : undefined;
    const series = seriesForCheck(incident.check);
    const processes = host
      ? await topProcessesAround(deps.db, host.id, Number(incident.first_occurrence_at))
      : undefined;
    const since = Number(incident.first_occurrence_at);
    const refused = c.req.query('refused');

    const body = html`
      ${refused ? html`<p role="alert" class="error">${t('actionRefused', { reason: refused.slice(0, 200) })}</p>` : ''}
      <dl class="facts">
        <dt>${t('incidentWhat')}</dt><dd>${incident.check}${incident.resource ? ` ${incident.resource}` : ''}
          ${openedDetail.value !== undefined && openedDetail.value !== null ? html`<br />${t('incidentValue', { value: openedDetail.value, threshold: openedDetail.threshold ?? '—' })}` : ''}</dd>
        <dt>${t('incidentWhere')}</dt><dd>${host ? html`<a href="${BASE}/hosts/${encodeURIComponent(host.id)}">${host.hostname}</a>` : '—'} · ${incident.client} / ${incident.site}</dd>
        <dt>${t('incidentSince')}</dt><dd><time datetime="${new Date(since).toISOString()}">${t.dateTime(since)}</time> (${duration(now - since)})</dd>
        <dt>${t('priority')}</dt><dd>${priorityBadge(t, incident.priority)} — ${t('incidentPriorityReason', { urgency: incident.urgency, impact: incident.impact })}</dd>
        <dt>${t('level')}</dt><dd>${incident.level}</dd>
        <dt>${t('state')}</dt><dd data-state="${incident.state}">${stateLabel(t, incident.state)}${incident.flapping ? html` · <strong>${t('incidentFlapping')}</strong>` : ''}</dd>
        <dt>${t('colAssignee')}</dt><dd>${incident.assignee ?? '—'}</dd>
        <dt>${t('incidentOccurrences')}</dt><dd>${incident.occurrences}</dd>
        <dt>${t('slaOwn')}</dt><dd>${slaBadge(t, sla.own)}</dd>
        <dt>${t('slaResolve')}</dt><dd>${slaBadge(t, sla.resolve)}</dd>
        <dt>${t('problem')}</dt><dd>${problem ? `${problem.title} (${problem.incident_count})` : t('none')}</dd>
      </dl>
      ${TECHNICIANS.includes(c.var.user?.role ?? 'readonly') || c.var.user?.role === 'admin' ? actions(c, incident) : ''}
      ${
        host && series
          ? html`<section aria-labelledby="metrics-title"><h2 id="metrics-title">${t('metricsAround')}</h2>
          ${chart(t, { hostId: host.id, from: since - CONTEXT_MS, to: incident.resolved_at === null ? now : Number(incident.resolved_at) + CONTEXT_MS, series: [series], threshold: openedDetail.threshold, label: `${incident.check} — ${host.hostname}` })}</section>`
          : ''
      }
      ${host ? processesSection(t, processes) : ''}
      <section aria-labelledby="timeline-title"><h2 id="timeline-title">${t('timeline')}</h2>
        <ol class="timeline" data-live-fragment="timeline" aria-live="polite">${timeline(t, events)}</ol></section>
      <section aria-labelledby="changes-title"><h2 id="changes-title">${t('recentChanges')}</h2>
        ${
          changes.length
            ? html`<ul>${changes.map((ch) => html`<li><time>${t.dateTime(Number(ch.at))}</time> ${ch.kind} ${ch.field}: ${ch.old_value ?? '∅'} → ${ch.new_value ?? '∅'}</li>`)}</ul>`
            : html`<p>${t('noChanges')}</p>`
        }</section>
      <section aria-labelledby="kb-title"><h2 id="kb-title">${t('kbArticle')}</h2>
        ${
          article
            ? html`<article><h3>${t.lang === 'fr' ? article.title_fr : article.title_en}</h3><p class="prewrap">${t.lang === 'fr' ? article.body_fr : article.body_en}</p></article>`
            : html`<p>${t('none')}</p>`
        }</section>`;
    return c.html(page(c, incident.title, body));
  });

  app.post('/:id/:action', allow(...TECHNICIANS), async (c) => {
    const t = c.var.t;
    const id = c.req.param('id');
    const kind = c.req.param('action');
    const form = actionForm.safeParse(await c.req.parseBody());
    if (!(TECHNICIAN_ACTIONS as readonly string[]).includes(kind) || !form.success)
      return c.html(messagePage(c, t('badRequestTitle'), t('notFoundText')), 400);
    const { text, assignee } = form.data;
    const back = `${BASE}/incidents/${encodeURIComponent(id)}`;
    if ((kind === 'assign' && !assignee) || (kind === 'comment' && !text))
      return c.redirect(`${back}?refused=VALIDATION_FAILED`, 303);
    const action = (kind === 'assign' ? { kind, assignee, text } : { kind, text }) as TechnicianAction;
    const user = c.var.user?.name ?? 'unknown';
    const target = await findIncident(deps.db, id);
    if (!target || !scopeAllows(c.var.scope, target.client))
      return c.html(messagePage(c, t('notFoundTitle'), t('notFoundText')), 404);
    const result = await deps.db
      .transaction()
      .execute((trx) => applyTechnicianAction(trx, runtime, id, action, { user, now: deps.clock() }));
    if (!result.ok && result.code === 'NOT_FOUND')
      return c.html(messagePage(c, t('notFoundTitle'), t('notFoundText')), 404);
    return c.redirect(result.ok ? back : `${back}?refused=${encodeURIComponent(result.code)}`, 303);
  });

  return app;
}
