import type { LayerName, PolicyLayerScope } from '@vigie/shared';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { findHostIdByHostname } from '../../../../hosts/store.js';
import { hostPolicy } from '../../../../policies/host-policy.js';
import type { PolicyService } from '../../../../policies/policy-service.js';
import { findHost } from '../../../../repositories/hosts.js';
import type { ConsoleDeps, ConsoleEnv } from '../../../env.js';
import { page } from '../../../views/layout.js';
import { valueAt } from './form.js';
import { isScope, layerHref } from './target.js';

/** A host's effective policy, each value with the layer that set it; undefined for no such host. */
export async function effectivePolicyPage(
  deps: ConsoleDeps,
  policies: PolicyService,
  c: Context<ConsoleEnv>,
) {
  const t = c.var.t;
  const asked = (c.req.query('host') ?? '').trim().slice(0, 253);
  let hostId = asked;
  if (!(await findHost(deps.db, asked, c.var.scope)))
    hostId = (await findHostIdByHostname(deps.db, asked)) ?? asked;
  const view = asked ? await hostPolicy(deps.db, policies.defaults, hostId, c.var.scope) : undefined;
  if (!view) return undefined;
  const layerLink = (name: LayerName) => {
    if (name === 'defaults') return html`${t('policySource_defaults')}`;
    const [scope, ...rest] = name.split(':');
    const target = rest.join(':');
    return isScope(scope ?? '')
      ? html`<a href="${layerHref(scope as PolicyLayerScope, target)}">${t(`policyScope_${scope as PolicyLayerScope}`)} ${scope === 'host' ? view.host.hostname : scope === 'client' ? view.host.client : scope === 'site' ? `${view.host.client}/${view.host.site}` : target}</a>`
      : html`${name}`;
  };
  const sources = Object.entries(view.effective.sources).sort(([a], [b]) => a.localeCompare(b));
  const { effective } = view;
  return page(
    c,
    t('policyEffectiveTitle', { host: view.host.hostname }),
    html`<p>${t('policyRevision')} ${effective.policy.revision} ·
        <a href="${layerHref('host', view.host.id)}">${t('policyEdit')} : ${t('policyScope_host')} ${view.host.hostname}</a></p>
      <table><thead><tr><th scope="col">${t('policySetting')}</th><th scope="col">${t('policyValue')}</th><th scope="col">${t('policySource')}</th></tr></thead>
      <tbody>${sources.map(
        ([path, source]) =>
          html`<tr><td><code>${path}</code></td><td><code>${JSON.stringify(valueAt(effective.policy, path)) ?? ''}</code></td><td>${layerLink(source)}</td></tr>`,
      )}</tbody></table>
      ${
        effective.problems.length
          ? html`<h2>${t('policyProblems')}</h2><ul>${effective.problems.map((p) => html`<li>${p.layer} ${p.kind} : ${p.message}</li>`)}</ul>`
          : ''
      }`,
  );
}
