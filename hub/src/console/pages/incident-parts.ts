import type { ProcessInfo } from '@vigie/shared';
import { html } from 'hono/html';
import { decideAction, TECHNICIAN_ACTIONS } from '../../incidents/engine/actions.js';
import { incidentFacts } from '../../incidents/facts.js';
import type { ProcessesAt } from '../../incidents/processes-store.js';
import type { ChildRow } from '../../incidents/queue-store.js';
import { incidentTitle } from '../../incidents/text/render.js';
import { renderActor, renderEventDetail } from '../../incidents/text/timeline.js';
import type { IncidentEventRow } from '../../repositories/incident-events.js';
import type { IncidentRow } from '../../repositories/incidents.js';
import { BASE } from '../env.js';
import { isMessageKey } from '../i18n/fr.js';
import type { Translate } from '../i18n/i18n.js';
import { recoveredNote, stateLabel } from '../views/format.js';
import { csrfField, type Html } from '../views/layout.js';

// The parts of the incident page: its timeline (also served alone to the live script), the
// processes at the time of the fault, and the action forms.

function eventLabel(t: Translate, kind: string): string {
  const key = `ev_${kind}`;
  // A kind this console does not know yet is named generically, never by its code.
  return isMessageKey(key) ? t(key) : t('eventOther');
}

/** A refusal code from the action redirect, as a sentence (anything else is not shown raw). */
export function refusalText(t: Translate, code: string): string {
  const key = `refused_${code}`;
  return isMessageKey(key) ? t(key) : t('refused_VALIDATION_FAILED');
}

const DEFAULT_SOLUTION = 'resolved by hand';

/**
 * The follow-ups people wrote: comments (and the text given with an action) and the solution
 * given when resolving, each with its author and time — the timeline mixes them with the engine's.
 */
export function followUps(t: Translate, events: readonly IncidentEventRow[]): Html {
  const written = events.flatMap((e) => {
    if (!e.actor.startsWith('user:')) return [];
    let detail: { text?: unknown; reason?: unknown } = {};
    try {
      detail = JSON.parse(e.detail) as typeof detail;
    } catch {
      return [];
    }
    const solution =
      e.kind === 'resolved' && typeof detail.reason === 'string' && detail.reason !== DEFAULT_SOLUTION;
    const text = solution ? detail.reason : detail.text;
    if (typeof text !== 'string' || text.trim() === '') return [];
    return [
      {
        kind: solution ? ('solution' as const) : ('comment' as const),
        text,
        at: Number(e.at),
        who: renderActor(e.actor, t.lang),
      },
    ];
  });
  return html`<section aria-labelledby="followups-title"><h2 id="followups-title">${t('followUps')}</h2>
    ${
      written.length
        ? html`<ol class="followups">${written.map(
            (
              f,
            ) => html`<li data-followup="${f.kind}"><p><strong>${t(`followUp_${f.kind}`)}</strong> <small>${t('followUpBy', { who: f.who, at: t.dateTime(f.at) })}</small></p>
            <p class="prewrap">${f.text}</p></li>`,
          )}</ol>`
        : html`<p>${t('followUpNone')}</p>`
    }</section>`;
}

/** The ticket this one is folded under, as a link with its host and state. */
export function parentLine(t: Translate, parent: ChildRow | undefined): Html {
  if (!parent) return html``;
  return html`<p class="parent" data-parent="${parent.id}">${t('ev_attached_to_parent')} :
    <a href="${BASE}/incidents/${encodeURIComponent(parent.id)}">${incidentTitle(parent, t.lang)}</a> — ${parent.hostname ?? '—'} · ${stateLabel(t, parent.state)}</p>`;
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

export function processesSection(t: Translate, processes: ProcessesAt | undefined): Html {
  return html`<section aria-labelledby="processes-title"><h2 id="processes-title">${t('topProcesses')}</h2>
    ${
      processes
        ? html`<p>${t('processesAt', { at: t.dateTime(processes.at) })}</p>
        ${processTable(t, `${t('process')} — ${t('cpuPct')}`, processes.topByCpu)}
        ${processTable(t, `${t('process')} — ${t('memoryMb')}`, processes.topByMemory)}`
        : html`<p>${t('noProcesses')}</p>`
    }</section>`;
}

export function timeline(t: Translate, events: readonly IncidentEventRow[], check: string): Html {
  return html`${events.map(
    (e) => html`<li data-kind="${e.kind}">
      <time datetime="${new Date(Number(e.at)).toISOString()}">${t.dateTime(Number(e.at))}</time>
      <strong data-kind="${e.kind}">${eventLabel(t, e.kind)}</strong> <span class="actor">${t('actor')} ${renderActor(e.actor, t.lang)}</span>
      <div class="detail">${renderEventDetail(e, { locale: t.lang, timeZone: t.timeZone, check })}</div>
    </li>`,
  )}`;
}

export function actions(c: Parameters<typeof csrfField>[0], incident: IncidentRow): Html {
  const t = c.var.t;
  const base = `${BASE}/incidents/${encodeURIComponent(incident.id)}`;
  // Only what the engine would accept now (the same pure decision the action itself runs).
  const facts = incidentFacts(incident);
  const simple = TECHNICIAN_ACTIONS.filter(
    (a) => a !== 'assign' && a !== 'comment' && decideAction(facts, { kind: a }).ok,
  );
  return html`<section aria-labelledby="actions-title" class="actions">
    <h2 id="actions-title">${t('actions')}</h2>
    <form method="post" action="${base}/comment">
      ${csrfField(c)}
      <label for="comment-text">${t('solutionLabel')}</label>
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

/** A parent's children, folded under it everywhere else: each with its link, host and state. */
export function childrenSection(t: Translate, children: readonly ChildRow[]): Html {
  if (children.length === 0) return html``;
  return html`<section aria-labelledby="children-title"><h2 id="children-title">${t('incidentChildren')} (${children.length})</h2>
    <ul class="children">${children.map(
      (child) =>
        html`<li data-child="${child.id}"><a href="${BASE}/incidents/${encodeURIComponent(child.id)}">${incidentTitle(child, t.lang)}</a> — ${child.hostname ?? '—'} · P${child.priority} ${child.level} · ${stateLabel(t, child.state)}${child.recovered_at !== null && child.open_key !== null ? html` · ${recoveredNote(t, child)}` : ''}</li>`,
    )}</ul></section>`;
}

/** /console/incidents/:id — what, where, since, why this priority, the timeline, the metrics, the actions. */
