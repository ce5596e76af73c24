import { HOST_ROLES, type PolicyLayerScope } from '@vigie/shared';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { listLayers } from '../../../../policies/layers.js';
import { listClients, listSites } from '../../../../tenancy/clients.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../../../env.js';
import { page } from '../../../views/layout.js';
import { describeLayer, layerHref } from './target.js';

/** The policies page: the stored layers, links to edit any layer, the effective-policy form. */
export async function policiesIndexPage(deps: ConsoleDeps, c: Context<ConsoleEnv>) {
  const t = c.var.t;
  const layers = await listLayers(deps.db);
  const named = [];
  for (const layer of layers)
    named.push({
      ...layer,
      label: (await describeLayer(deps.db, layer.scope, layer.target)) ?? layer.target,
    });
  const clients = await listClients(deps.db);
  const sites = await listSites(deps.db);
  const clientName = new Map(clients.map((cl) => [cl.id, cl.name]));
  const link = (scope: PolicyLayerScope, target: string, label: string) =>
    html`<li><a href="${layerHref(scope, target)}">${t(`policyScope_${scope}`)} ${label}</a></li>`;
  return page(
    c,
    t('policiesTitle'),
    html`<p>${t('policiesIntro')}</p>
      <h2>${t('policyLayers')}</h2>
      ${
        named.length
          ? html`<table><thead><tr><th scope="col">${t('scope')}</th><th scope="col">${t('target')}</th><th scope="col">${t('policyRevision')}</th>
            <th scope="col">${t('policyUpdated')}</th><th scope="col"></th></tr></thead>
            <tbody>${named.map(
              (l) => html`<tr><td>${t(`policyScope_${l.scope}`)}</td><td>${l.label}</td><td>${l.revision}</td>
                <td>${t.dateTime(l.updatedAt)} ${l.updatedBy ?? ''}</td>
                <td><a href="${layerHref(l.scope, l.target)}">${t('policyEdit')}</a></td></tr>`,
            )}</tbody></table>`
          : html`<p>${t('none')}</p>`
      }
      <h2>${t('policyEditLayer')}</h2>
      <ul class="layer-links">
        ${link('global', '', '')}
        ${HOST_ROLES.map((role) => link('role', role, role))}
        ${clients.slice(0, 200).map((cl) => link('client', cl.id, cl.name))}
        ${sites.slice(0, 500).map((s) => link('site', s.id, `${clientName.get(s.client_id) ?? '?'}/${s.name}`))}
      </ul>
      <form method="get" action="${BASE}/admin/policies/layer" class="filters">
        <input type="hidden" name="scope" value="host" />
        <label>${t('policyScope_host')} (${t('policyHostId')}) <input name="target" required maxlength="64" /></label>
        <button type="submit">${t('policyEdit')}</button>
      </form>
      <h2>${t('policyEffective')}</h2>
      <form method="get" action="${BASE}/admin/policies/effective" class="filters">
        <label>${t('host')} <input name="host" required maxlength="253" /></label>
        <button type="submit">${t('policyShow')}</button>
      </form>`,
  );
}
