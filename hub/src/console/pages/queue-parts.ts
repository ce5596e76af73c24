import { INCIDENT_STATES } from '@vigie/shared';
import { html } from 'hono/html';
import { type ChildRow, QUEUE_SORTS, type QueueRow, type QueueSort } from '../../incidents/queue-store.js';
import { incidentTitle } from '../../incidents/text/render.js';
import { BASE } from '../env.js';
import type { Translate } from '../i18n/i18n.js';
import {
  currentClock,
  durationIn,
  priorityBadge,
  recoveredNote,
  type SlaView,
  slaBadge,
  stateLabel,
} from '../views/format.js';
import type { Html } from '../views/layout.js';

// The parts of a queue page: the filters, one row per ticket (children folded under their
// parent), the bulk bar, and the banner for escalations nobody is paged for.

export interface QueueFilterView {
  client?: string | undefined;
  site?: string | undefined;
  host?: string | undefined;
  priority?: number | undefined;
  state?: string | undefined;
  sort?: QueueSort | undefined;
}

const incidentHref = (id: string) => `${BASE}/incidents/${encodeURIComponent(id)}`;

function foldedChildren(t: Translate, children: readonly ChildRow[]): Html {
  if (children.length === 0) return html``;
  return html`<details class="children" data-children="${children.length}">
    <summary>${t('childrenShow', { n: children.length })}</summary>
    <ul>${children.map(
      (child) =>
        html`<li><a href="${incidentHref(child.id)}">${incidentTitle(child, t.lang)}</a> — ${child.hostname ?? '—'} · ${stateLabel(t, child.state)}${child.recovered_at !== null && child.open_key !== null ? html` · ${recoveredNote(t, child)}` : ''}</li>`,
    )}</ul></details>`;
}

/** One ticket: a table row on a desktop, a card on a phone (CSS labels each cell from data-label). */
export function queueRow(
  t: Translate,
  incident: QueueRow,
  children: readonly ChildRow[],
  sla: SlaView,
  now: number,
  selectable: boolean,
): Html {
  const opened = Number(incident.opened_at);
  const title = incidentTitle(incident, t.lang);
  return html`<tr data-incident="${incident.id}">
    ${selectable ? html`<td class="pick"><input type="checkbox" name="id" value="${incident.id}" form="bulk" aria-label="${t('selectTicket', { title })}" /></td>` : ''}
    <td class="prio-cell" data-label="${t('colPriority')}">${priorityBadge(t, incident.priority)}</td>
    <td class="title-cell" data-label="${t('colIncident')}"><a href="${incidentHref(incident.id)}">${title}</a>${foldedChildren(t, children)}</td>
    <td class="host-cell" data-label="${t('colHost')}">${incident.hostname ?? '—'}<br /><small>${incident.client} / ${incident.site}</small></td>
    <td data-label="${t('colSince')}"><time datetime="${new Date(opened).toISOString()}" title="${t.dateTime(opened)}">${durationIn(t, now - opened)}</time></td>
    <td data-label="${t('colState')}">${stateLabel(t, incident.state)}${incident.recovered_at !== null && incident.open_key !== null ? html`<br />${recoveredNote(t, incident)}` : ''}</td>
    <td data-label="${t('colSla')}">${slaBadge(t, currentClock(sla), now)}</td>
    <td data-label="${t('colAssignee')}">${incident.assignee ?? '—'}</td>
  </tr>`;
}

export function filterForm(t: Translate, action: string, filter: QueueFilterView): Html {
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
  return html`<details class="filters-box"${filter.client || filter.site || filter.host || filter.priority || filter.state ? html` open` : ''}>
  <summary>${t('filters')}</summary>
  <form method="get" action="${action}" class="filters" aria-label="${t('filters')}">
    <label>${t('client')} <input name="client" value="${filter.client ?? ''}" maxlength="256" /></label>
    <label>${t('site')} <input name="site" value="${filter.site ?? ''}" maxlength="256" /></label>
    <label>${t('host')} <input name="host" value="${filter.host ?? ''}" maxlength="256" /></label>
    <label>${t('priority')} <select name="priority">${option('', t('any'), filter.priority === undefined)}${([6, 5, 4, 3, 2, 1] as const).map((p) => option(String(p), `P${p} ${t(`priority_${p}`)}`, filter.priority === p))}</select></label>
    <label>${t('state')} <select name="state">${option('', t('any'), filter.state === undefined)}${INCIDENT_STATES.map((s) => option(s, stateLabel(t, s), filter.state === s))}${option('recovering', t('stateRecovering'), filter.state === 'recovering')}</select></label>
    <label>${t('sortBy')} <select name="sort">${QUEUE_SORTS.map((s) => option(s, t(`sort_${s}`), (filter.sort ?? 'priority') === s))}</select></label>
    <button type="submit">${t('apply')}</button>
    <a href="${action}">${t('reset')}</a>
  </form></details>`;
}

/** Acknowledge, assign or resolve every ticket ticked in the table (the checkboxes name this form). */
export function bulkBar(t: Translate, csrf: Html, back: string, me: string): Html {
  return html`<form method="post" action="${BASE}/queue/bulk" id="bulk" class="bulk" aria-label="${t('bulkLegend')}">
    ${csrf}<input type="hidden" name="back" value="${back}" />
    <span class="bulk-title">${t('bulkLegend')}</span>
    <button type="submit" name="action" value="acknowledge">${t('bulkAcknowledge')}</button>
    <button type="submit" name="action" value="resolve">${t('bulkResolve')}</button>
    <span class="bulk-assign"><input name="assignee" maxlength="256" value="${me}" aria-label="${t('assignee')}" />
    <button type="submit" name="action" value="assign">${t('bulkAssign')}</button></span>
  </form>`;
}

/** Escalated tickets that no enabled channel pages: only the people looking at a queue know. */
export function unpagedBanner(
  t: Translate,
  unpaged: ReadonlyArray<{ level: string; count: number }>,
  isAdmin: boolean,
): Html {
  if (unpaged.length === 0) return html``;
  return html`<div role="alert" class="banner warn" data-unpaged>${unpaged.map(
    (u) => html`<p>${t('unpagedBanner', { n: u.count, level: u.level })}</p>`,
  )}${isAdmin ? html`<p><a href="${BASE}/admin/settings">${t('unpagedAdmin')}</a></p>` : ''}</div>`;
}

export function bulkNotice(t: Translate, done: string | undefined): Html {
  const match = done ? /^(\d{1,4})-(\d{1,4})$/.exec(done) : null;
  if (!match) return html``;
  const [ok, refused] = [Number(match[1]), Number(match[2])];
  return html`<p role="status" class="notice">${ok + refused === 0 ? t('bulkNone') : t('bulkDone', { ok, refused })}</p>`;
}
