import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { scopeAllows } from '../../db/client-scope.js';
import { type FleetRow, listFleetPage, listHostIncidents } from '../../hosts/store.js';
import { incidentTitle } from '../../incidents/text/render.js';
import { snapshotView } from '../../inventory/snapshot-view.js';
import { findHost, type HostRow } from '../../repositories/hosts.js';
import { findInventory } from '../../repositories/inventories.js';
import { readBucketedSeries } from '../../repositories/samples.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../env.js';
import type { Translate } from '../i18n/i18n.js';
import { optionalText, queryOf } from '../views/fields.js';
import { duration, pct, priorityBadge, stateLabel } from '../views/format.js';
import { csrfField, type Html, messagePage, page } from '../views/layout.js';
import { chart } from './charts.js';

const PAGE_SIZE = 50;
/** Most points a chart draws (about one per pixel column); a month of samples is bucketed to it. */
const MAX_CHART_POINTS = 720;
const SOFTWARE_SHOWN = 300;
const RANGES = { hour: 3_600_000, day: 86_400_000, month: 30 * 86_400_000 } as const;
const RANGE_LABEL = { hour: 'rangeHour', day: 'rangeDay', month: 'rangeMonth' } as const;

const listQuery = z.object({
  q: optionalText(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
const seriesQuery = z.object({
  from: z.coerce.number().int().min(0),
  to: z.coerce.number().int().min(0),
});
const hostQuery = z.object({ range: z.enum(['hour', 'day', 'month']).default('hour') });

function status(t: Translate, host: HostRow): Html {
  return host.connected === 1
    ? html`<span class="status online">● ${t('online')}</span>`
    : html`<span class="status offline">○ ${t('offline')}</span>`;
}

function fleetRow(t: Translate, host: FleetRow, now: number): Html {
  const seen = host.last_seen_at === null ? '—' : duration(now - Number(host.last_seen_at));
  return html`<tr>
    <td><a href="${BASE}/hosts/${encodeURIComponent(host.id)}" data-hostname>${host.hostname}</a></td>
    <td>${host.client} / ${host.site}</td>
    <td>${status(t, host)} <small>${t('lastSeen')} ${seen}</small></td>
    <td>${t('cpu')} ${pct(host.cpu_pct)} · ${t('memory')} ${pct(host.mem_pct)} · ${t('disk')} ${pct(host.disk_max_pct)}</td>
    <td>${host.openIncidents}</td>
  </tr>`;
}

function factsTable(title: string, facts: Readonly<Record<string, unknown>>): Html {
  const entries = Object.entries(facts).filter(([, v]) => v !== null && v !== '');
  if (entries.length === 0) return html``;
  return html`<table class="facts-table"><caption>${title}</caption>
    ${entries.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${String(v)}</td></tr>`)}</table>`;
}

/** /console/hosts — the fleet, one host's charts, inventory, software and incident history. */
export function hostRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  // A host of a client outside the user's scope does not exist for them.
  const visibleHost = async (c: Context<ConsoleEnv>) => {
    const host = await findHost(deps.db, c.req.param('id') ?? '');
    return host && scopeAllows(c.var.scope, host.client) ? host : undefined;
  };

  app.get('/', async (c) => {
    const t = c.var.t;
    const parsed = listQuery.safeParse(queryOf(c.req.url));
    const query = parsed.success ? parsed.data : { q: undefined, page: 1 };
    const { rows, more } = await listFleetPage(deps.db, {
      search: query.q,
      scope: c.var.scope,
      offset: (query.page - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
    });
    const now = deps.clock();
    const pageHref = (n: number) =>
      `${BASE}/hosts?${new URLSearchParams({ ...(query.q ? { q: query.q } : {}), page: String(n) }).toString()}`;
    return c.html(
      page(
        c,
        t('fleetTitle'),
        html`<form method="get" action="${BASE}/hosts" role="search">
          <label>${t('searchHosts')} <input type="search" name="q" value="${query.q ?? ''}" maxlength="256" /></label>
          <button type="submit">${t('search')}</button>
        </form>
        <table class="fleet">
          <thead><tr><th scope="col">${t('host')}</th><th scope="col">${t('client')} / ${t('site')}</th>
            <th scope="col">${t('state')}</th><th scope="col">${t('health')}</th><th scope="col">${t('openIncidents')}</th></tr></thead>
          <tbody>${rows.length ? rows.map((h) => fleetRow(t, h, now)) : html`<tr><td colspan="5">${t('noHosts')}</td></tr>`}</tbody>
        </table>
        <nav class="pager" aria-label="${t('pageOf', { page: query.page })}">
          ${query.page > 1 ? html`<a href="${pageHref(query.page - 1)}" rel="prev">${t('previousPage')}</a>` : ''}
          <span>${t('pageOf', { page: query.page })}</span>
          ${more ? html`<a href="${pageHref(query.page + 1)}" rel="next">${t('nextPage')}</a>` : ''}
        </nav>`,
      ),
    );
  });

  app.get('/:id/series', async (c) => {
    const parsed = seriesQuery.safeParse(queryOf(c.req.url));
    const host = await visibleHost(c);
    if (!host || !parsed.success || parsed.data.from > parsed.data.to) return c.json({ points: [] }, 404);
    // Raw samples when they still cover the range, else the roll-up tier that does (retention).
    const { stepMs, points } = await readBucketedSeries(deps.db, host.id, parsed.data, MAX_CHART_POINTS);
    return c.json({ stepMs, points });
  });

  app.get('/:id', async (c) => {
    const t = c.var.t;
    const host = await visibleHost(c);
    if (!host) return c.html(messagePage(c, t('notFoundTitle'), t('notFoundText')), 404);
    const parsed = hostQuery.safeParse(queryOf(c.req.url));
    const range = parsed.success ? parsed.data.range : 'hour';
    const now = deps.clock();
    const stored = await findInventory(deps.db, host.id);
    const inventory = stored
      ? snapshotView(JSON.parse(stored.payload) as Record<string, unknown>)
      : undefined;
    const incidents = await listHostIncidents(deps.db, host.id, 50);
    const software = inventory ? [...inventory.software].sort((a, b) => a.name.localeCompare(b.name)) : [];
    const base = `${BASE}/hosts/${encodeURIComponent(host.id)}`;
    const revoked = c.req.query('revoked');
    const body = html`
      ${revoked ? html`<p role="status" class="notice">${t('agentsRevoked', { n: Number(revoked) || 0 })}</p>` : ''}
      ${
        c.var.user?.role === 'admin'
          ? html`<form method="post" action="${BASE}/admin/hosts/${encodeURIComponent(host.id)}/revoke">${csrfField(c)}
            <button type="submit">${t('revokeAgent')}</button></form>
            <p><a href="${BASE}/admin/policies/effective?host=${encodeURIComponent(host.id)}">${t('policyEffective')}</a></p>`
          : ''
      }
      <dl class="facts">
        <dt>${t('state')}</dt><dd>${status(t, host)}</dd>
        <dt>${t('client')} / ${t('site')}</dt><dd>${host.client} / ${host.site}</dd>
        <dt>${t('role')}</dt><dd>${host.role}</dd>
        <dt>${t('os')}</dt><dd>${host.os_distro} ${host.os_release} (${host.os_kernel}, ${host.os_arch})</dd>
        <dt>${t('agentVersion')}</dt><dd>${host.agent_version}</dd>
        <dt>${t('health')}</dt><dd>${t('cpu')} ${pct(host.cpu_pct)} · ${t('memory')} ${pct(host.mem_pct)} · ${t('disk')} ${pct(host.disk_max_pct)}</dd>
      </dl>
      <section aria-labelledby="charts-title"><h2 id="charts-title">${t('hostCharts')}</h2>
        <p class="ranges">${(Object.keys(RANGES) as Array<keyof typeof RANGES>).map(
          (r) =>
            html`<a href="${base}?range=${r}"${r === range ? html` aria-current="true"` : ''}>${t(RANGE_LABEL[r])}</a> `,
        )}</p>
        ${chart(t, { refreshSec: range === 'hour' ? 15 : undefined, hostId: host.id, from: now - RANGES[range], to: now, series: ['cpuPct', 'memPct', 'diskMaxPct'], label: `${host.hostname} — ${t(RANGE_LABEL[range])}` })}
        ${chart(t, { refreshSec: range === 'hour' ? 15 : undefined, hostId: host.id, from: now - RANGES[range], to: now, series: ['load1'], label: `${t('load')} — ${t(RANGE_LABEL[range])}` })}
      </section>
      <section aria-labelledby="incidents-title"><h2 id="incidents-title">${t('incidentHistory')}</h2>
        ${
          incidents.length
            ? html`<ul>${incidents.map(
                (
                  i,
                ) => html`<li>${priorityBadge(t, i.priority)} <a href="${BASE}/incidents/${encodeURIComponent(i.id)}">${incidentTitle(i, t.lang)}</a>
                — ${stateLabel(t, i.state)}, ${i.level}, ${t.dateTime(Number(i.opened_at))}</li>`,
              )}</ul>`
            : html`<p>${t('none')}</p>`
        }
      </section>
      <section aria-labelledby="inventory-title"><h2 id="inventory-title">${t('inventory')}</h2>
        ${
          inventory
            ? html`${factsTable(t('hardware'), inventory.hardware)}${factsTable(t('os'), inventory.os)}${factsTable(t('cpu'), inventory.cpu)}
            ${inventory.disks.map((d, i) => factsTable(`${t('disk')} ${i + 1}`, d))}`
            : html`<p>${t('noInventory')}</p>`
        }
      </section>
      <section aria-labelledby="software-title"><h2 id="software-title">${t('software')} (${software.length})</h2>
        <table class="software"><thead><tr><th scope="col">${t('name')}</th><th scope="col">${t('version')}</th><th scope="col">${t('publisher')}</th></tr></thead>
        <tbody>${software.slice(0, SOFTWARE_SHOWN).map((s) => html`<tr><td>${s.name}</td><td>${s.version}</td><td>${s.publisher ?? ''}</td></tr>`)}</tbody></table>
        ${software.length > SOFTWARE_SHOWN ? html`<p>${t('moreSoftware', { n: software.length - SOFTWARE_SHOWN })}</p>` : ''}
      </section>`;
    return c.html(page(c, host.hostname, body));
  });

  return app;
}
