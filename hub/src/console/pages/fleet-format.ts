import { html } from 'hono/html';
import type { FleetKey, FleetWords } from '../i18n/fleet.js';
import { FLEET_FR } from '../i18n/fleet-fr.js';
import type { Translate } from '../i18n/i18n.js';
import { duration } from '../views/format.js';
import type { Html } from '../views/layout.js';

const DAY_MS = 86_400_000;
/** Health values at or past these are highlighted (warning, critical), as the default thresholds. */
export const HEALTH_WARN = 80;
export const HEALTH_CRIT = 90;

/** A percentage with its level as a class, so values past a threshold stand out (not by colour alone). */
export function healthValue(w: FleetWords, value: number | null): Html {
  if (value === null) return html`<span class="metric">–</span>`;
  const level = value >= HEALTH_CRIT ? 'crit' : value >= HEALTH_WARN ? 'warn' : 'ok';
  const mark = level === 'crit' ? '▲ ' : level === 'warn' ? '△ ' : '';
  return html`<span class="metric metric-${level}">${mark}${w.number(value)} %</span>`;
}

/** "12 j restants" / "expirée depuis 3 j" / "expire aujourd'hui", with the date as a title. */
export function expiryLabel(t: Translate, w: FleetWords, at: number, now: number): Html {
  const days = Math.ceil((at - now) / DAY_MS);
  const text =
    at <= now
      ? w('daysOverdue', { n: Math.floor((now - at) / DAY_MS) })
      : days <= 1 && at - now < DAY_MS
        ? w('expiresToday')
        : w('daysLeft', { n: days });
  return html`<span class="expiry ${at <= now ? 'expiry-past' : days <= 30 ? 'expiry-soon' : ''}" title="${t.dateTime(at)}">${text}</span>`;
}

/** "il y a 3 min", "à l'instant", or "jamais". */
export function seenText(w: FleetWords, at: number | null, now: number): string {
  if (at === null) return w('hostNever');
  return now - Number(at) < 60_000 ? w('hostJustNow') : w('hostAgo', { d: duration(now - Number(at)) });
}

const BYTE_KEYS = /bytes|^memTotal$|^size$|^total$|^capacity$/i;
const DATE_KEYS = /At$/;

function factLabel(w: FleetWords, key: string): string {
  const wanted = `fact_${key}`;
  return isFleetKey(wanted) ? w(wanted) : key;
}

function isFleetKey(key: string): key is FleetKey {
  return Object.hasOwn(FLEET_FR, key);
}

/** One inventory fact as a person reads it: bytes with units, epochs as dates, booleans as words. */
export function factValue(t: Translate, w: FleetWords, key: string, value: unknown): string {
  if (typeof value === 'boolean') return value ? w('yes') : w('no');
  if (typeof value === 'number' && BYTE_KEYS.test(key)) return w.bytes(value);
  if (typeof value === 'number' && DATE_KEYS.test(key) && value > 1e11) return t.dateTime(value);
  if (typeof value === 'number') return w.number(value);
  return String(value);
}

/** A section of inventory facts as a two-column table with translated names. */
export function factsTable(
  t: Translate,
  w: FleetWords,
  title: string,
  facts: Readonly<Record<string, unknown>>,
): Html {
  const entries = Object.entries(facts).filter(([, v]) => v !== null && v !== '');
  if (entries.length === 0) return html``;
  return html`<table class="facts-table"><caption>${title}</caption>
    ${entries.map(([k, v]) => html`<tr><th scope="row">${factLabel(w, k)}</th><td>${factValue(t, w, k, v)}</td></tr>`)}</table>`;
}
