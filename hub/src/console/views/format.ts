import type { IncidentState, Priority } from '@vigie/shared';
import { html } from 'hono/html';
import type { incidentSlaView } from '../../incidents/sla/incident-sla-view.js';
import type { Translate } from '../i18n/i18n.js';
import type { Html } from './layout.js';

export type SlaView = ReturnType<typeof incidentSlaView>;
type Clock = NonNullable<SlaView['own']>;

const SLA_LABEL = {
  running: 'slaRunning',
  warning: 'slaWarning',
  breached: 'slaBreached',
  paused: 'slaPaused',
  met: 'slaMet',
  stopped: 'slaStopped',
} as const;

/** "3 h 12 min" style duration, coarse on purpose: a queue is read at a glance. */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} j ${hours % 24} h`;
}

export function priorityBadge(t: Translate, priority: Priority): Html {
  return html`<span class="prio prio-${priority}" title="${t(`priority_${priority}`)}">P${priority} <span class="label">${t(`priority_${priority}`)}</span></span>`;
}

export function stateLabel(t: Translate, state: IncidentState): string {
  return t(`state_${state}`);
}

/** "Recovered at 14:32, waiting" for an open incident whose fault cleared; nothing otherwise. */
export function recoveredNote(
  t: Translate,
  incident: { open_key: string | null; recovered_at: number | null },
): Html | '' {
  if (incident.open_key === null || incident.recovered_at === null) return '';
  const at = Number(incident.recovered_at);
  return html`<span class="recovered" data-recovered-at="${at}"><time datetime="${new Date(at).toISOString()}" title="${t.dateTime(at)}">${t('recoveredWaiting', { time: t.time(at) })}</time></span>`;
}

/** The clock that matters now: time to own until someone owns it, then time to resolve. */
export function currentClock(sla: SlaView): Clock | null {
  if (
    sla.own &&
    (sla.own.status === 'running' || sla.own.status === 'warning' || sla.own.status === 'breached')
  )
    return sla.own;
  return sla.resolve ?? sla.own;
}

/** The SLA clock as a meter with its state in words (colour is never the only signal). */
export function slaBadge(t: Translate, clock: Clock | null): Html {
  if (!clock) return html`<span class="sla sla-none">${t('slaNone')}</span>`;
  const pct = Math.min(100, Math.max(0, clock.elapsedPct));
  return html`<span class="sla sla-${clock.status}" title="${t('slaDue', { at: t.dateTime(clock.dueAt) })}">
    <meter min="0" max="100" low="75" high="99" optimum="0" value="${pct}">${pct} %</meter>
    <span>${Math.round(clock.elapsedPct)} % · ${t(SLA_LABEL[clock.status])}</span></span>`;
}

export function pct(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(1)} %`;
}
