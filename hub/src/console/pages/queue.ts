import { INCIDENT_STATES, type SupportLevel } from '@vigie/shared';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { listQueue, type QueueRow } from '../../incidents/queue-store.js';
import { incidentSlaView } from '../../incidents/sla/incident-sla-view.js';
import { incidentTitle } from '../../incidents/text/render.js';
import { listCalendars } from '../../repositories/business-calendars.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../env.js';
import type { Translate } from '../i18n/i18n.js';
import { optionalText, queryOf } from '../views/fields.js';
import {
  currentClock,
  duration,
  priorityBadge,
  recoveredNote,
  type SlaView,
  slaBadge,
  stateLabel,
} from '../views/format.js';
import { type Html, messagePage, page } from '../views/layout.js';

const QUEUES = ['N1', 'N2', 'N3', 'mine'] as const;
const QUEUE_LIMIT = 200;

const filterQuery = z.object({
  client: optionalText(),
  site: optionalText(),
  host: optionalText(),
  priority: z
    .enum(['', '1', '2', '3', '4', '5', '6'])
    .optional()
    .transform((v) => (v ? (Number(v) as 1 | 2 | 3 | 4 | 5 | 6) : undefined)),
  state: z
    .enum(['', ...INCIDENT_STATES, 'recovering'])
    .optional()
    .transform((v) => (v ? v : undefined)),
  fragment: z.enum(['rows']).optional(),
});
type Filter = z.infer<typeof filterQuery>;

function row(t: Translate, incident: QueueRow, sla: SlaView, now: number): Html {
  const href = `${BASE}/incidents/${encodeURIComponent(incident.id)}`;
  const opened = Number(incident.opened_at);
  return html`<tr data-incident="${incident.id}">
    <td>${priorityBadge(t, incident.priority)}</td>
    <td><a href="${href}">${incidentTitle(incident, t.lang)}</a>${incident.children > 0 ? html`<br /><small data-children="${incident.children}">${t('queueChildren', { n: incident.children })}</small>` : ''}</td>
    <td>${incident.hostname ?? '—'}<br /><small>${incident.client} / ${incident.site}</small></td>
    <td><time datetime="${new Date(opened).toISOString()}" title="${t.dateTime(opened)}">${duration(now - opened)}</time></td>
    <td>${stateLabel(t, incident.state)}${incident.recovered_at !== null && incident.open_key !== null ? html`<br />${recoveredNote(t, incident)}` : ''}</td>
    <td>${slaBadge(t, currentClock(sla))}</td>
    <td>${incident.assignee ?? '—'}</td>
  </tr>`;
}

function filterForm(t: Translate, action: string, filter: Filter): Html {
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
  return html`<form method="get" action="${action}" class="filters" aria-label="${t('filters')}">
    <label>${t('client')} <input name="client" value="${filter.client ?? ''}" maxlength="256" /></label>
    <label>${t('site')} <input name="site" value="${filter.site ?? ''}" maxlength="256" /></label>
    <label>${t('host')} <input name="host" value="${filter.host ?? ''}" maxlength="256" /></label>
    <label>${t('priority')} <select name="priority">${option('', t('any'), filter.priority === undefined)}${([6, 5, 4, 3, 2, 1] as const).map((p) => option(String(p), `P${p} ${t(`priority_${p}`)}`, filter.priority === p))}</select></label>
    <label>${t('state')} <select name="state">${option('', t('any'), filter.state === undefined)}${INCIDENT_STATES.map((s) => option(s, stateLabel(t, s), filter.state === s))}${option('recovering', t('stateRecovering'), filter.state === 'recovering')}</select></label>
    <button type="submit">${t('apply')}</button>
    <a href="${action}">${t('reset')}</a>
  </form>`;
}

/** /console/queue/:level — N1, N2, N3 and "mine", live. `?fragment=rows` is what the live script fetches. */
export function queueRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();

  app.get('/:queue', async (c) => {
    const t = c.var.t;
    const queue = c.req.param('queue');
    const parsed = filterQuery.safeParse(queryOf(c.req.url));
    if (!(QUEUES as readonly string[]).includes(queue) || !parsed.success)
      return c.html(messagePage(c, t('notFoundTitle'), t('notFoundText')), 404);
    const filter = parsed.data;
    const rows = await listQueue(deps.db, {
      ...(queue === 'mine' ? { assignee: c.var.user?.name } : { level: queue as SupportLevel }),
      client: filter.client,
      site: filter.site,
      host: filter.host,
      priority: filter.priority,
      state: filter.state,
      scope: c.var.scope,
      limit: QUEUE_LIMIT,
    });
    const calendars = await listCalendars(deps.db);
    const now = deps.clock();
    const body = rows.length
      ? rows.map((r) => row(t, r, incidentSlaView(r, calendars, now), now))
      : html`<tr><td colspan="7">${t('noIncidents')}</td></tr>`;
    if (filter.fragment === 'rows') return c.html(html`${body}`);
    const title = queue === 'mine' ? t('queueMineTitle') : t('queueTitle', { level: queue });
    const action = `${BASE}/queue/${queue}`;
    return c.html(
      page(
        c,
        title,
        html`${filterForm(t, action, filter)}
        <p class="live" data-live-status>${t('liveOn')}</p>
        <table class="queue">
          <caption class="visually-hidden">${title}</caption>
          <thead><tr>
            <th scope="col">${t('colPriority')}</th><th scope="col">${t('colIncident')}</th>
            <th scope="col">${t('colHost')}</th><th scope="col">${t('colSince')}</th>
            <th scope="col">${t('colState')}</th><th scope="col">${t('colSla')}</th>
            <th scope="col">${t('colAssignee')}</th>
          </tr></thead>
          <tbody id="queue-rows" data-live-fragment="rows" aria-live="polite">${body}</tbody>
        </table>`,
      ),
    );
  });

  return app;
}
