import type { IncidentState, Priority } from '@vigie/shared';
import { html } from 'hono/html';
import type { incidentSlaView } from '../../incidents/sla/incident-sla-view.js';
import { formatDuration, formatNumber } from '../../incidents/text/format.js';
import { wordsOf } from '../../incidents/text/render.js';
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

/** A duration in the reader's language (`2 j 4 h` in French, `2 d 4 h` in English). */
export function durationIn(t: Translate, ms: number): string {
  return formatDuration(wordsOf(t.lang), ms);
}

/** A byte count a person reads: `23,5 Gio` (fr), `23.5 GiB` (en). */
export function bytesIn(t: Translate, n: number): string {
  const words = wordsOf(t.lang);
  if (n >= 2 ** 30) return `${formatNumber(words, n / 2 ** 30)} ${t('unitGiB')}`;
  if (n >= 2 ** 20) return `${formatNumber(words, n / 2 ** 20)} ${t('unitMiB')}`;
  if (n >= 2 ** 10) return `${formatNumber(words, n / 2 ** 10)} ${t('unitKiB')}`;
  return `${formatNumber(words, n)} ${t('unitBytes')}`;
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

/** When the clock runs out and how long is left (or how late it is), in the reader's zone. */
function slaDueText(t: Translate, clock: Clock, now: number): string {
  const at = Math.abs(clock.dueAt - now) < 86_400_000 ? t.time(clock.dueAt) : t.dateTime(clock.dueAt);
  if (clock.status === 'met' || clock.status === 'stopped' || clock.status === 'paused')
    return t('slaStoppedAt', { at });
  return clock.dueAt >= now
    ? t('slaDueIn', { at, left: durationIn(t, clock.dueAt - now) })
    : t('slaOverdue', { at, over: durationIn(t, now - clock.dueAt) });
}

/** The SLA clock as a meter with its state, due time and time left in words (colour is never the only signal). */
export function slaBadge(t: Translate, clock: Clock | null, now: number): Html {
  if (!clock) return html`<span class="sla sla-none">${t('slaNone')}</span>`;
  const pct = Math.min(100, Math.max(0, clock.elapsedPct));
  return html`<span class="sla sla-${clock.status}" title="${t('slaDue', { at: t.dateTime(clock.dueAt) })}">
    <meter min="0" max="100" low="75" high="99" optimum="0" value="${pct}">${pct} %</meter>
    <span>${Math.round(clock.elapsedPct)} % · ${t(SLA_LABEL[clock.status])}</span>
    <small class="sla-due" data-due-at="${clock.dueAt}">${slaDueText(t, clock, now)}</small></span>`;
}

export function pct(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(1)} %`;
}
