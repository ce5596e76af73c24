import type { Software } from '@vigie/shared';
import { html } from 'hono/html';
import type { SnapshotView } from '../../inventory/snapshot-view.js';
import type { WarrantyRow } from '../../repositories/warranties.js';
import type { FleetWords } from '../i18n/fleet.js';
import type { Translate } from '../i18n/i18n.js';
import type { Html } from '../views/layout.js';
import { expiryLabel, factValue } from './fleet-format.js';

export const SOFTWARE_PAGE = 50;

const yesNo = (w: FleetWords, v: unknown) => (v === true ? w('yes') : v === false ? w('no') : w('unknown'));

/** Pending OS updates, security ones counted apart (the agent's `updates` facts). */
export function updatesSection(w: FleetWords, updates: SnapshotView['updates'] | undefined): Html {
  const body =
    updates && Object.keys(updates).length > 0
      ? html`<dl class="facts">
          <dt>${w('updatesPending')}</dt><dd>${updates.pending ?? w('unknown')}</dd>
          <dt>${w('updatesSecurity')}</dt><dd>${
            typeof updates.security === 'number' && updates.security > 0
              ? html`<strong class="metric metric-crit">▲ ${updates.security}</strong>`
              : (updates.security ?? w('unknown'))
          }</dd>
          <dt>${w('updatesReboot')}</dt><dd>${yesNo(w, updates.rebootRequired)}</dd>
          ${updates.manager ? html`<dt>${w('updatesManager')}</dt><dd>${updates.manager}</dd>` : ''}
        </dl>`
      : html`<p>${w('updatesNone')}</p>`;
  return html`<section aria-labelledby="updates-title"><h2 id="updates-title">${w('updatesTitle')}</h2>${body}</section>`;
}

/** The antivirus product, whether it runs, how old its signatures are. */
export function antivirusSection(
  t: Translate,
  w: FleetWords,
  av: SnapshotView['antivirus'] | undefined,
): Html {
  const body =
    av && Object.keys(av).length > 0
      ? html`<dl class="facts">
          <dt>${w('antivirusProduct')}</dt><dd>${av.product ?? w('unknown')}</dd>
          <dt>${w('antivirusEnabled')}</dt><dd>${av.enabled === false ? html`<strong class="metric metric-crit">▲ ${w('no')}</strong>` : yesNo(w, av.enabled)}</dd>
          <dt>${w('antivirusSignatures')}</dt><dd>${typeof av.signaturesAt === 'number' ? factValue(t, w, 'signaturesAt', av.signaturesAt) : w('unknown')}</dd>
          <dt>${w('antivirusUpToDate')}</dt><dd>${av.signaturesUpToDate === false ? html`<strong class="metric metric-crit">▲ ${w('no')}</strong>` : yesNo(w, av.signaturesUpToDate)}</dd>
        </dl>`
      : html`<p>${w('antivirusNone')}</p>`;
  return html`<section aria-labelledby="antivirus-title"><h2 id="antivirus-title">${w('antivirusTitle')}</h2>${body}</section>`;
}

/** The host's warranty end with days left or overdue. */
export function warrantySection(
  t: Translate,
  w: FleetWords,
  warranty: WarrantyRow | undefined,
  now: number,
): Html {
  const body = warranty
    ? html`<dl class="facts">
        <dt>${w('warUntil')}</dt><dd>${t.dateTime(Number(warranty.warranty_until))} — ${expiryLabel(t, w, Number(warranty.warranty_until), now)}</dd>
        ${warranty.vendor ? html`<dt>${w('warrantyVendor')}</dt><dd>${warranty.vendor}</dd>` : ''}
      </dl>`
    : html`<p>${w('warrantyNone')}</p>`;
  return html`<section aria-labelledby="warranty-title"><h2 id="warranty-title">${w('warrantyTitle')}</h2>${body}</section>`;
}

/** The whole software list, searched by name or publisher and paged (nothing is cut off). */
export function softwareSection(
  t: Translate,
  w: FleetWords,
  all: readonly Software[],
  query: { search: string | undefined; page: number },
  href: (params: Record<string, string>) => string,
): Html {
  const needle = query.search?.toLowerCase();
  const found = [...all]
    .filter(
      (s) =>
        !needle ||
        s.name.toLowerCase().includes(needle) ||
        (s.publisher ?? '').toLowerCase().includes(needle),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  const pages = Math.max(1, Math.ceil(found.length / SOFTWARE_PAGE));
  const current = Math.min(query.page, pages);
  const shown = found.slice((current - 1) * SOFTWARE_PAGE, current * SOFTWARE_PAGE);
  const link = (n: number) => href({ ...(query.search ? { sw: query.search } : {}), swpage: String(n) });
  return html`<section aria-labelledby="software-title" id="software"><h2 id="software-title">${t('software')} (${w('softwareCount', { n: all.length })})</h2>
    <form method="get" action="#software" role="search" class="filters">
      <label>${w('softwareSearch')} <input type="search" name="sw" value="${query.search ?? ''}" maxlength="256" /></label>
      <button type="submit">${t('search')}</button>
    </form>
    <div class="table-box"><table class="software"><thead><tr><th scope="col">${t('name')}</th><th scope="col">${t('version')}</th><th scope="col">${t('publisher')}</th></tr></thead>
    <tbody>${shown.map((s) => html`<tr><td data-label="${t('name')}">${s.name}</td><td data-label="${t('version')}">${s.version}</td><td data-label="${t('publisher')}">${s.publisher ?? ''}</td></tr>`)}</tbody></table></div>
    <nav class="pager" aria-label="${w('softwarePage', { page: current, pages })}">
      ${current > 1 ? html`<a href="${link(current - 1)}#software" rel="prev">${t('previousPage')}</a>` : ''}
      <span>${w('softwarePage', { page: current, pages })} · ${w('softwareCount', { n: found.length })}</span>
      ${current < pages ? html`<a href="${link(current + 1)}#software" rel="next">${t('nextPage')}</a>` : ''}
    </nav>
  </section>`;
}
