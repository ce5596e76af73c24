import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { scopeAllows } from '../../db/client-scope.js';
import { TECHNICIAN_ACTIONS, type TechnicianAction } from '../../incidents/engine/actions.js';
import { incidentProcesses } from '../../incidents/processes-store.js';
import { findParentWithHost, listChildrenWithHost } from '../../incidents/queue-store.js';
import { incidentSlaView } from '../../incidents/sla/incident-sla-view.js';
import { applyTechnicianAction } from '../../incidents/technician-actions.js';
import { INTERNAL_ID } from '../../incidents/text/codes.js';
import { formatValue } from '../../incidents/text/format.js';
import { checkLabel, incidentTitle, wordsOf } from '../../incidents/text/render.js';
import { listInventoryChanges } from '../../inventory/changes-store.js';
import { listCalendars } from '../../repositories/business-calendars.js';
import { findHost } from '../../repositories/hosts.js';
import { listIncidentEvents } from '../../repositories/incident-events.js';
import { findIncident } from '../../repositories/incidents.js';
import { findArticle } from '../../repositories/kb-articles.js';
import { findProblem } from '../../repositories/problems.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../env.js';
import type { Translate } from '../i18n/i18n.js';
import { allow, TECHNICIANS } from '../security/guards.js';
import { optionalText } from '../views/fields.js';
import { durationIn, priorityBadge, recoveredNote, slaBadge, stateLabel } from '../views/format.js';
import { inventoryChangeList } from '../views/inventory-change.js';
import { messagePage, page } from '../views/layout.js';
import { chart, seriesForCheck } from './charts.js';
import { newIncidentRoutes } from './incident-new.js';
import {
  actions,
  childrenSection,
  followUps,
  parentLine,
  processesSection,
  refusalText,
  timeline,
} from './incident-parts.js';

/** Metrics shown around a fault: this long before it started, and after it ended. */
const CONTEXT_MS = 30 * 60_000;
const CHANGES_SINCE_MS = 7 * 86_400_000;

const actionForm = z.object({ text: optionalText(10_000), assignee: optionalText(256) });

export function incidentRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  const runtime = deps.incidents;
  // Before `/:id`: `new` is not an incident id.
  app.route('/new', newIncidentRoutes(deps));

  app.get('/:id', async (c) => {
    const t = c.var.t;
    const found = await findIncident(deps.db, c.req.param('id'));
    const incident = found && scopeAllows(c.var.scope, found.client) ? found : undefined;
    if (!incident) return c.html(messagePage(c, t('notFoundTitle'), t('notFoundText')), 404);
    const events = await listIncidentEvents(deps.db, incident.id);
    if (c.req.query('fragment') === 'timeline') return c.html(timeline(t, events, incident.check));

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
    // The check's own series with its threshold; for other checks, the host's headline figures.
    const series = seriesForCheck(incident.check);
    const processes = host
      ? await incidentProcesses(deps.db, {
          id: incident.id,
          hostId: host.id,
          at: Number(incident.first_occurrence_at),
        })
      : undefined;
    const since = Number(incident.first_occurrence_at);
    const refused = c.req.query('refused');
    const children = await listChildrenWithHost(deps.db, incident.id);
    const parent = incident.parent_id ? await findParentWithHost(deps.db, incident.parent_id) : undefined;
    const title = incidentTitle(incident, t.lang);

    const body = html`
      ${refused ? html`<p role="alert" class="error">${t('actionRefused', { reason: refusalText(t, refused) })}</p>` : ''}
      <dl class="facts">
        <dt>${t('incidentWhat')}</dt><dd>${checkLabel(wordsOf(t.lang), incident.check)}${incident.resource && !INTERNAL_ID.test(incident.resource) ? ` ${incident.resource}` : ''}
          ${openedDetail.value !== undefined && openedDetail.value !== null ? html`<br />${valueLine(t, incident.check, openedDetail.value, openedDetail.threshold)}` : ''}</dd>
        <dt>${t('incidentWhere')}</dt><dd>${host ? html`<a href="${BASE}/hosts/${encodeURIComponent(host.id)}">${host.hostname}</a>` : '—'} · ${incident.client} / ${incident.site}</dd>
        <dt>${t('incidentSince')}</dt><dd><time datetime="${new Date(since).toISOString()}">${t.dateTime(since)}</time> (${durationIn(t, now - since)})</dd>
        <dt>${t('priority')}</dt><dd>${priorityBadge(t, incident.priority)} — ${t('incidentPriorityReason', { urgency: incident.urgency, impact: incident.impact })}</dd>
        <dt>${t('level')}</dt><dd>${incident.level}</dd>
        <dt>${t('state')}</dt><dd data-state="${incident.state}">${stateLabel(t, incident.state)}${incident.flapping ? html` · <strong>${t('incidentFlapping')}</strong>` : ''}${incident.recovered_at !== null && incident.open_key !== null ? html` · ${recoveredNote(t, incident)}` : ''}</dd>
        <dt>${t('colAssignee')}</dt><dd>${incident.assignee ?? '—'}</dd>
        <dt>${t('incidentOccurrences')}</dt><dd>${incident.occurrences}</dd>
        <dt>${t('slaOwn')}</dt><dd>${slaBadge(t, sla.own, now)}</dd>
        <dt>${t('slaResolve')}</dt><dd>${slaBadge(t, sla.resolve, now)}</dd>
        <dt>${t('problem')}</dt><dd>${problem ? `${t('problemRecurring', { title: title })} (${problem.incident_count})` : t('none')}</dd>
      </dl>
      ${TECHNICIANS.includes(c.var.user?.role ?? 'readonly') || c.var.user?.role === 'admin' ? actions(c, incident) : ''}
      ${parentLine(t, parent)}
      ${childrenSection(t, children)}
      ${followUps(t, events)}
      ${
        host
          ? html`<section aria-labelledby="metrics-title"><h2 id="metrics-title">${t('metricsAround')}</h2>
          ${chart(t, { hostId: host.id, from: since - CONTEXT_MS, to: incident.resolved_at === null ? now : Number(incident.resolved_at) + CONTEXT_MS, series: series ? [series] : ['cpuPct', 'memPct', 'diskMaxPct'], threshold: series ? openedDetail.threshold : null, label: `${checkLabel(wordsOf(t.lang), incident.check)} — ${host.hostname}` })}</section>`
          : ''
      }
      ${host ? processesSection(t, processes) : ''}
      <section aria-labelledby="timeline-title"><h2 id="timeline-title">${t('timeline')}</h2>
        <ol class="timeline" data-live-fragment="timeline" aria-live="polite">${timeline(t, events, incident.check)}</ol></section>
      <section aria-labelledby="changes-title"><h2 id="changes-title">${t('recentChanges')}</h2>
        ${inventoryChangeList(t, changes)}</section>
      <section aria-labelledby="kb-title"><h2 id="kb-title">${t('kbArticle')}</h2>
        ${
          article
            ? html`<article><h3>${t.lang === 'fr' ? article.title_fr : article.title_en}</h3><p class="prewrap">${t.lang === 'fr' ? article.body_fr : article.body_en}</p></article>`
            : html`<p>${t('none')}</p>`
        }</section>`;
    return c.html(page(c, title, body));
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

/** The figure that opened the ticket, with its threshold when the rule had one (a site ticket has none). */
function valueLine(t: Translate, check: string, value: number, threshold: number | null | undefined): string {
  const words = wordsOf(t.lang);
  return threshold === null || threshold === undefined
    ? t('incidentValueOnly', { value: formatValue(words, check, value) })
    : t('incidentValue', {
        value: formatValue(words, check, value),
        threshold: formatValue(words, check, threshold),
      });
}
