import { type PolicyLayerSettings, REMEDIABLE_CHECKS, type RemediableCheck } from '@vigie/shared';
import { html } from 'hono/html';
import type { Translate } from '../../../i18n/i18n.js';

/** The form's values by field name. */
type Values = Readonly<Record<string, string>>;

// A layer's N0 remediation as the policy form shows and reads it (decision 0029): per remediable
// check, an action (inherit, none, or one the check can use), its folder and age, its bounds.

const KINDS = Object.keys(REMEDIABLE_CHECKS) as RemediableCheck[];
const NUMBERS = ['olderThanDays', 'attempts', 'windowSec', 'verifySec'] as const;

const remField = (kind: string, name: string) => `rem:${kind}|${name}`;
const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const numberOrText = (value: string): number | string | undefined =>
  value === '' ? undefined : Number.isFinite(Number(value)) ? Number(value) : value;

/** The layer's `remediation` a form describes; `undefined` inherits everything. */
export function remediationFromForm(form: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const kind of KINDS) {
    const f = (name: string) => text(form[remField(kind, name)]);
    const action = f('action');
    if (action === '') continue;
    if (action === 'none') {
      out[kind] = null;
      continue;
    }
    const rule: Record<string, unknown> = { action };
    if (f('folder') !== '') rule.folder = f('folder');
    for (const key of NUMBERS) {
      const value = numberOrText(f(key));
      if (value !== undefined) rule[key] = value;
    }
    if (f('inMaintenance') === 'on') rule.inMaintenance = true;
    if (f('inMaintenance') === 'off') rule.inMaintenance = false;
    out[kind] = rule;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The form's N0 fields filled from a stored layer. */
export function remediationValues(settings: PolicyLayerSettings): Record<string, string> {
  const values: Record<string, string> = {};
  for (const kind of KINDS) {
    const rule = settings.remediation?.[kind];
    if (rule === undefined) continue;
    if (rule === null) {
      values[remField(kind, 'action')] = 'none';
      continue;
    }
    if (rule.action !== undefined) values[remField(kind, 'action')] = rule.action;
    if (rule.folder !== undefined) values[remField(kind, 'folder')] = rule.folder;
    for (const key of NUMBERS) if (rule[key] !== undefined) values[remField(kind, key)] = String(rule[key]);
    if (rule.inMaintenance !== undefined)
      values[remField(kind, 'inMaintenance')] = rule.inMaintenance ? 'on' : 'off';
  }
  return values;
}

/** The N0 table of the layer form. */
export function remediationFieldset(t: Translate, values: Values) {
  const input = (name: string, aria: string, size = 5) =>
    html`<input name="${name}" value="${values[name] ?? ''}" size="${size}" aria-label="${aria}" />`;
  const rows = KINDS.map((kind) => {
    const name = remField(kind, 'action');
    const options = ['', 'none', ...REMEDIABLE_CHECKS[kind]];
    const label = (v: string) => (v === '' ? t('admInherit') : v === 'none' ? t('remNone') : v);
    const maintenance = remField(kind, 'inMaintenance');
    return html`<tr><th scope="row"><code>${kind}</code></th>
      <td><select name="${name}" aria-label="${kind} ${t('remAction')}">${options.map(
        (v) =>
          html`<option value="${v}"${(values[name] ?? '') === v ? html` selected` : ''}>${label(v)}</option>`,
      )}</select></td>
      <td>${input(remField(kind, 'folder'), `${kind} ${t('remFolder')}`, 16)}</td>
      <td>${input(remField(kind, 'olderThanDays'), `${kind} ${t('remOlderThanDays')}`)}</td>
      <td>${input(remField(kind, 'attempts'), `${kind} ${t('remAttempts')}`)}</td>
      <td>${input(remField(kind, 'windowSec'), `${kind} ${t('remWindowSec')}`)}</td>
      <td>${input(remField(kind, 'verifySec'), `${kind} ${t('remVerifySec')}`)}</td>
      <td><select name="${maintenance}" aria-label="${kind} ${t('remInMaintenance')}">${(
        ['', 'on', 'off'] as const
      ).map(
        (v) =>
          html`<option value="${v}"${(values[maintenance] ?? '') === v ? html` selected` : ''}>${v === '' ? t('admInherit') : v === 'on' ? t('admOn') : t('admOff')}</option>`,
      )}</select></td></tr>`;
  });
  return html`<h2>${t('remTitle')}</h2>
    <p>${t('remIntro')}</p>
    <table class="policy-remediation"><thead><tr><th scope="col">${t('remCheck')}</th><th scope="col">${t('remAction')}</th>
      <th scope="col">${t('remFolder')}</th><th scope="col">${t('remOlderThanDays')}</th><th scope="col">${t('remAttempts')}</th>
      <th scope="col">${t('remWindowSec')}</th><th scope="col">${t('remVerifySec')}</th><th scope="col">${t('remInMaintenance')}</th></tr></thead>
      <tbody>${rows}</tbody></table>`;
}
