import { html } from 'hono/html';
import { isMessageKey } from '../i18n/fr.js';
import type { Translate } from '../i18n/i18n.js';
import { bytesIn } from './format.js';
import type { Html } from './layout.js';

/** A stored inventory change, as the incident page lists it. */
export interface ChangeLike {
  readonly at: number;
  readonly kind: string;
  readonly field: string;
  readonly old_value: string | null;
  readonly new_value: string | null;
  readonly security: number;
}

// Fields whose figures are byte counts (memory modules and disks describe themselves by size).
const BYTE_FIELDS = new Set(['hardware.memTotal', 'memory', 'disk']);
const SECTIONS = new Set(['hardware', 'os', 'cpu', 'memory', 'disk', 'nic']);

function word(t: Translate, key: string): string | undefined {
  const k = `fld_${key}`;
  return isMessageKey(k) ? t(k) : undefined;
}

/** A value in words: byte counts with units, yes/no for booleans, anything else as written. */
function valueText(t: Translate, section: string, field: string, value: string | null): string {
  if (value === null || value === '') return '∅';
  if (value === 'true') return t('yes');
  if (value === 'false') return t('no');
  if (BYTE_FIELDS.has(field) || BYTE_FIELDS.has(section))
    return value
      .split(' ')
      .map((token) => (/^\d{7,}$/.test(token) ? bytesIn(t, Number(token)) : token))
      .filter((token) => token !== '0')
      .join(' ');
  return value;
}

/**
 * What changed on the machine, in words: « Matériel modifié : mémoire totale 23,5 Gio → 31,4 Gio »,
 * « Logiciel installé : Firefox 128.0 » — never `hardware_changed hardware.memTotal: 25276063744`.
 */
export function inventoryChangeText(t: Translate, change: ChangeLike): string {
  const kindKey = `chg_${change.kind}`;
  const kind = isMessageKey(kindKey) ? t(kindKey) : t('eventOther');
  if (change.field.startsWith('software:')) {
    // software:<source>:<name> — the source (dpkg, msi…) says nothing to a technician.
    const name = change.field.split(':').slice(2).join(':');
    const versions =
      change.old_value !== null && change.new_value !== null
        ? `${change.old_value} → ${change.new_value}`
        : (change.new_value ?? change.old_value ?? '');
    return `${kind} : ${name} ${versions}`.trim();
  }
  const [head = '', ...rest] = change.field.split(/[.:]/);
  const section = SECTIONS.has(head) ? head : '';
  const key = rest.join('.');
  const what =
    section === 'memory' || section === 'disk' || section === 'nic'
      ? `${word(t, section)} ${key}`
      : (word(t, key) ?? `${word(t, section) ?? ''} ${key}`.trim());
  const from = valueText(t, section, change.field, change.old_value);
  const to = valueText(t, section, change.field, change.new_value);
  const values = change.old_value === null ? to : change.new_value === null ? from : `${from} → ${to}`;
  return `${kind} : ${what} ${values}`;
}

/** The list of recent changes, each with its time in the reader's zone. */
export function inventoryChangeList(t: Translate, changes: readonly ChangeLike[]): Html {
  if (changes.length === 0) return html`<p>${t('noChanges')}</p>`;
  return html`<ul class="changes">${changes.map(
    (ch) =>
      html`<li><time datetime="${new Date(Number(ch.at)).toISOString()}">${t.dateTime(Number(ch.at))}</time> ${inventoryChangeText(t, ch)}${ch.security ? html` <strong class="security">${t('chgSecurity')}</strong>` : ''}</li>`,
  )}</ul>`;
}
