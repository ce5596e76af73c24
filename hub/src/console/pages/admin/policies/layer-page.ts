import type { PolicyLayerScope } from '@vigie/shared';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { findLayer } from '../../../../policies/layers.js';
import type { PolicyService } from '../../../../policies/policy-service.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../../../env.js';
import { csrfField, type Html, page } from '../../../views/layout.js';
import { field, keptSettings, LEVEL_FIELDS, LEVELS, RULE_KINDS, type Values } from './form.js';
import { remediationFieldset } from './remediation-form.js';

/** One layer's form: intervals, services, and each check's overrides over the defaults shown greyed. */
export async function layerPage(
  deps: ConsoleDeps,
  policies: PolicyService,
  c: Context<ConsoleEnv>,
  scope: PolicyLayerScope,
  target: string,
  label: string,
  values: Values,
  notice?: Html,
) {
  const t = c.var.t;
  const stored = (await findLayer(deps.db, scope, target))?.settings ?? {};
  const kept = keptSettings(stored);
  const defaults = new Map((policies.defaults.checks ?? []).map((rule) => [rule.kind, rule]));
  const input = (name: string, aria: string, placeholder: unknown = '', size = 5) =>
    html`<input name="${name}" value="${values[name] ?? ''}" size="${size}" aria-label="${aria}" placeholder="${placeholder ?? ''}" />`;
  const tri = (name: string, aria: string) =>
    html`<select name="${name}" aria-label="${aria}">${(['', 'on', 'off'] as const).map(
      (v) =>
        html`<option value="${v}"${(values[name] ?? '') === v ? html` selected` : ''}>${v === '' ? t('admInherit') : v === 'on' ? t('admOn') : t('admOff')}</option>`,
    )}</select>`;
  const rows = RULE_KINDS.map((kind) => {
    const d = defaults.get(kind);
    const levelCells = LEVELS.map((level) => {
      const name = field(kind, `${level}.off`);
      const levelLabel = `${kind} ${t(level === 'warning' ? 'policyWarning' : 'policyCritical')}`;
      return html`<td>${LEVEL_FIELDS.map((key) =>
        input(
          field(kind, `${level}.${key}`),
          `${levelLabel} ${t(key === 'trigger' ? 'policyTrigger' : key === 'clear' ? 'policyClear' : 'policyFor')}`,
          d?.[level]?.[key],
        ),
      )}
        <label><input type="checkbox" name="${name}" value="1"${values[name] === '1' ? html` checked` : ''} /> ${t('policyLevelOff')}</label></td>`;
    });
    return html`<tr><th scope="row"><code>${kind}</code></th>
      <td>${tri(field(kind, 'enabled'), `${kind} ${t('policyEnabled')}`)}</td>
      ${levelCells}
      <td>${input(field(kind, 'forSec'), `${kind} ${t('policyForSec')}`, d?.forSec)}</td>
      <td>${input(field(kind, 'clearForSec'), `${kind} ${t('policyClearForSec')}`, d?.clearForSec)}</td></tr>`;
  });
  const hidden = html`${csrfField(c)}<input type="hidden" name="scope" value="${scope}" /><input type="hidden" name="target" value="${target}" />`;
  return page(
    c,
    t('policyLayerTitle', { scope: t(`policyScope_${scope}`), target: label }),
    html`${notice ?? ''}
    <p>${t('policiesIntro')}</p>
    ${kept.length ? html`<p>${t('policyKept', { keys: kept.join(', ') })}</p>` : ''}
    <form method="post" action="${BASE}/admin/policies/layer">
      ${hidden}
      <fieldset><legend>${t('policyIntervals')}</legend>
        <label>${t('policyMetricsInterval')} ${input('metricsIntervalSec', t('policyMetricsInterval'), policies.defaults.metricsIntervalSec)}</label>
        <label>${t('policyProcessesInterval')} ${input('processesIntervalSec', t('policyProcessesInterval'), policies.defaults.processesIntervalSec)}</label>
        <label>${t('policyInventoryCron')} ${input('inventoryCron', t('policyInventoryCron'), policies.defaults.inventoryCron, 16)}</label>
        <label>${t('policyAutoUpdate')} ${tri('autoUpdate', t('policyAutoUpdate'))}</label>
        <label>${t('policyServices')} <textarea name="services" rows="3" cols="30">${values.services ?? ''}</textarea></label>
      </fieldset>
      <h2>${t('policyChecks')}</h2>
      <table class="policy-checks"><thead><tr><th scope="col">${t('policyCheck')}</th><th scope="col">${t('policyEnabled')}</th>
        <th scope="col">${t('policyWarning')} (${t('policyTrigger')} / ${t('policyClear')} / ${t('policyFor')})</th>
        <th scope="col">${t('policyCritical')} (${t('policyTrigger')} / ${t('policyClear')} / ${t('policyFor')})</th>
        <th scope="col">${t('policyForSec')}</th><th scope="col">${t('policyClearForSec')}</th></tr></thead>
        <tbody>${rows}</tbody></table>
      ${remediationFieldset(t, values)}
      <button type="submit">${t('save')}</button>
    </form>
    <form method="post" action="${BASE}/admin/policies/layer">
      ${hidden}<input type="hidden" name="clear" value="1" />
      <button type="submit">${t('policyClearLayer')}</button>
    </form>
    <p><a href="${BASE}/admin/policies">${t('policiesTitle')}</a></p>`,
  );
}
