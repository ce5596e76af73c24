import { HOST_ROLES } from '@vigie/shared';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import {
  type ClientSummary,
  FLEET_SORTS,
  FLEET_STATES,
  type FleetHostRow,
  fleetFilterValues,
  fleetSummary,
  listFleet,
} from '../../hosts/fleet-query.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../env.js';
import { type FleetWords, fleetWords } from '../i18n/fleet.js';
import type { Translate } from '../i18n/i18n.js';
import { optionalText, queryOf } from '../views/fields.js';
import { type Html, page } from '../views/layout.js';
import { healthValue, seenText } from './fleet-format.js';
import { hostPageRoutes, hostStatus, roleLabel } from './host.js';

const PAGE_SIZE = 50;

const listQuery = z.object({
  q: optionalText().catch(undefined),
  state: z.enum(FLEET_STATES).optional().catch(undefined),
  client: optionalText().catch(undefined),
  site: optionalText().catch(undefined),
  os: optionalText().catch(undefined),
  role: z.enum(HOST_ROLES).optional().catch(undefined),
  sort: z.enum(FLEET_SORTS).catch('hostname'),
  desc: z.literal('1').optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  fragment: z.enum(['fleet']).optional().catch(undefined),
});
type ListQuery = z.infer<typeof listQuery>;

function hrefOf(query: ListQuery, change: Partial<Record<keyof ListQuery, string | undefined>>): string {
  const params = new URLSearchParams();
  const merged: Record<string, unknown> = { ...query, fragment: undefined, ...change };
  for (const [k, v] of Object.entries(merged))
    if (v !== undefined && v !== '' && !(k === 'page' && v === 1) && !(k === 'sort' && v === 'hostname'))
      params.set(k, String(v));
  const text = params.toString();
  return `${BASE}/hosts${text ? `?${text}` : ''}`;
}

function fleetRow(t: Translate, w: FleetWords, host: FleetHostRow, now: number): Html {
  const seen = seenText(w, host.last_seen_at, now);
  return html`<tr class="${host.revoked ? 'row-revoked' : host.connected === 1 ? 'row-up' : 'row-down'}">
    <td data-label="${t('host')}"><a href="${BASE}/hosts/${encodeURIComponent(host.id)}" data-hostname>${host.hostname}</a></td>
    <td data-label="${t('state')}">${hostStatus(t, w, host, host.revoked)} <small>${seen}</small></td>
    <td data-label="${t('client')} / ${t('site')}">${host.client} / ${host.site}</td>
    <td data-label="${t('os')}">${host.os_distro} ${host.os_release} · ${roleLabel(w, host.role)}</td>
    <td data-label="${t('cpu')}">${healthValue(w, host.cpu_pct)}</td>
    <td data-label="${t('memory')}">${healthValue(w, host.mem_pct)}</td>
    <td data-label="${t('disk')}">${healthValue(w, host.disk_max_pct)}</td>
    <td data-label="${t('openIncidents')}">${host.openIncidents > 0 ? html`<strong class="metric metric-crit">${host.openIncidents}</strong>` : '0'}</td>
  </tr>`;
}

function summaryCards(w: FleetWords, query: ListQuery, summary: readonly ClientSummary[]): Html {
  const sum = (k: keyof Omit<ClientSummary, 'client'>) => summary.reduce((s, r) => s + r[k], 0);
  const card = (label: string, n: number, state: ListQuery['state'], cls: string) =>
    html`<a class="counter ${cls}" href="${hrefOf(query, { state, page: undefined })}"${query.state === state ? html` aria-current="true"` : ''}><strong>${n}</strong> <span>${label}</span></a>`;
  return html`<div class="counters" aria-label="${w('fleetTotal')}">
      ${card(w('fleetTotal'), sum('total'), undefined, 'counter-all')}
      ${card(w('fleetUp'), sum('up'), 'up', 'counter-up')}
      ${card(w('fleetDown'), sum('down'), 'down', 'counter-down')}
      ${card(w('fleetWithIncident'), sum('withIncident'), 'incident', 'counter-incident')}
      ${card(w('fleetRevokedCount'), sum('revoked'), 'revoked', 'counter-revoked')}
    </div>
    ${
      summary.length > 1
        ? html`<details class="by-client"><summary>${w('fleetByClient')}</summary><div class="table-box"><table class="stack">
          <thead><tr><th scope="col">${w('sort_client')}</th><th scope="col">${w('fleetTotal')}</th><th scope="col">${w('fleetUp')}</th><th scope="col">${w('fleetDown')}</th><th scope="col">${w('fleetWithIncident')}</th><th scope="col">${w('fleetRevoked')}</th></tr></thead>
          <tbody>${summary.map(
            (
              r,
            ) => html`<tr><td data-label="${w('sort_client')}"><a href="${hrefOf(query, { client: r.client, page: undefined })}">${r.client}</a></td><td data-label="${w('fleetTotal')}">${r.total}</td><td data-label="${w('fleetUp')}">${r.up}</td>
              <td data-label="${w('fleetDown')}">${r.down > 0 ? html`<strong class="metric metric-warn">${r.down}</strong>` : '0'}</td>
              <td data-label="${w('fleetWithIncident')}">${r.withIncident}</td><td data-label="${w('fleetRevoked')}">${r.revoked}</td></tr>`,
          )}</tbody></table></div></details>`
        : ''
    }`;
}

function filterForm(
  t: Translate,
  w: FleetWords,
  query: ListQuery,
  values: Awaited<ReturnType<typeof fleetFilterValues>>,
): Html {
  const select = (
    name: string,
    label: string,
    options: readonly (readonly [string, string])[],
    current: string | undefined,
  ) =>
    html`<label>${label} <select name="${name}"><option value="">${w('fleetAll')}</option>${options.map(
      ([value, text]) =>
        html`<option value="${value}"${value === current ? html` selected` : ''}>${text}</option>`,
    )}</select></label>`;
  const same = (v: string) => [v, v] as const;
  const active =
    [query.state, query.client, query.site, query.os, query.role, query.desc].filter(Boolean).length +
    (query.sort === 'hostname' ? 0 : 1);
  return html`<form method="get" action="${BASE}/hosts" role="search" class="filters fleet-filters">
    <label>${t('searchHosts')} <input type="search" name="q" value="${query.q ?? ''}" maxlength="256" /></label>
    <button type="submit">${w('fleetFilter')}</button>
    <details class="fleet-more"${active > 0 ? html` open` : ''}><summary>${w('fleetFiltersSort')}${active > 0 ? ` (${active})` : ''}</summary>
    <div class="filters">
    ${select(
      'state',
      t('state'),
      FLEET_STATES.map(
        (s) =>
          [
            s,
            w(
              s === 'up'
                ? 'fleetUp'
                : s === 'down'
                  ? 'fleetDown'
                  : s === 'incident'
                    ? 'fleetWithIncident'
                    : 'fleetRevoked',
            ),
          ] as const,
      ),
      query.state,
    )}
    ${select('client', t('client'), values.clients.map(same), query.client)}
    ${select('site', t('site'), values.sites.map(same), query.site)}
    ${select('os', t('os'), values.oses.map(same), query.os)}
    ${select(
      'role',
      t('role'),
      HOST_ROLES.map((r) => [r, roleLabel(w, r)] as const),
      query.role,
    )}
    <label>${w('fleetSort')} <select name="sort">${FLEET_SORTS.map((s) => html`<option value="${s}"${s === query.sort ? html` selected` : ''}>${w(`sort_${s}`)}</option>`)}</select></label>
    <label>${w('fleetOrder')} <select name="desc"><option value="">${w('fleetAscending')}</option><option value="1"${query.desc ? html` selected` : ''}>${w('fleetSortDesc')}</option></select></label>
    </div></details>
  </form>`;
}

/** /console/hosts — the fleet: counters, filters, sortable list; and each host's page. */
export function hostRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();

  app.get('/', async (c) => {
    const t = c.var.t;
    const w = fleetWords(t.lang);
    const query = listQuery.parse(queryOf(c.req.url));
    const { rows, more } = await listFleet(deps.db, {
      search: query.q,
      state: query.state,
      client: query.client,
      site: query.site,
      os: query.os,
      role: query.role,
      sort: query.sort,
      desc: query.desc === '1',
      scope: c.var.scope,
      offset: (query.page - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
    });
    const summary = await fleetSummary(deps.db, c.var.scope);
    const now = deps.clock();
    const sortHeader = (sort: ListQuery['sort'], label: string) => {
      const current = query.sort === sort;
      const desc = current ? query.desc !== '1' : sort !== 'hostname' && sort !== 'client' && sort !== 'os';
      return html`<th scope="col"${current ? html` aria-sort="${query.desc ? 'descending' : 'ascending'}"` : ''}><a href="${hrefOf(query, { sort, desc: desc ? '1' : undefined, page: undefined })}">${label}${current ? (query.desc ? ' ▼' : ' ▲') : ''}</a></th>`;
    };
    const results = html`${summaryCards(w, query, summary)}
      <div class="table-box"><table class="fleet stack">
        <thead><tr>${sortHeader('hostname', t('host'))}${sortHeader('seen', t('state'))}${sortHeader('client', `${t('client')} / ${t('site')}`)}${sortHeader('os', t('os'))}
          ${sortHeader('cpu', t('cpu'))}${sortHeader('mem', t('memory'))}${sortHeader('disk', t('disk'))}<th scope="col">${t('openIncidents')}</th></tr></thead>
        <tbody>${rows.length ? rows.map((h) => fleetRow(t, w, h, now)) : html`<tr><td colspan="8">${t('noHosts')}</td></tr>`}</tbody>
      </table></div>
      <nav class="pager" aria-label="${t('pageOf', { page: query.page })}">
        ${query.page > 1 ? html`<a href="${hrefOf(query, { page: String(query.page - 1) })}" rel="prev">${t('previousPage')}</a>` : ''}
        <span>${t('pageOf', { page: query.page })}</span>
        ${more ? html`<a href="${hrefOf(query, { page: String(query.page + 1) })}" rel="next">${t('nextPage')}</a>` : ''}
      </nav>`;
    if (query.fragment === 'fleet') return c.html(results);
    const values = await fleetFilterValues(deps.db, c.var.scope);
    return c.html(
      page(
        c,
        t('fleetTitle'),
        html`${filterForm(t, w, query, values)}<div data-live-fragment="fleet" aria-live="polite">${results}</div>`,
      ),
    );
  });

  app.route('/', hostPageRoutes(deps));
  return app;
}
