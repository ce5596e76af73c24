import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { searchSoftware } from '../../../repositories/inventory-software.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../../env.js';
import { optionalText, queryOf } from '../../views/fields.js';
import { page } from '../../views/layout.js';

const SOFTWARE_ROWS = 500;

const inventoryQuery = z.object({ name: optionalText(), client: optionalText() });

/** /console/admin/inventory: what the fleet runs, searched by software and client. */
export function inventoryAdminRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();

  app.get('/inventory', async (c) => {
    const t = c.var.t;
    const query = inventoryQuery.parse(queryOf(c.req.url));
    const rows =
      query.name === undefined && query.client === undefined
        ? []
        : await searchSoftware(deps.db, {
            contains: query.name,
            client: query.client,
            limit: SOFTWARE_ROWS,
            offset: 0,
          });
    const params = new URLSearchParams({
      ...(query.name ? { contains: query.name } : {}),
      ...(query.client ? { client: query.client } : {}),
    });
    const hosts = new Set(rows.map((r) => r.host_id)).size;
    return c.html(
      page(
        c,
        t('inventoryTitle'),
        html`<form method="get" action="${BASE}/admin/inventory" role="search" class="filters">
          <label>${t('softwareName')} <input type="search" name="name" value="${query.name ?? ''}" maxlength="256" /></label>
          <label>${t('client')} <input name="client" value="${query.client ?? ''}" maxlength="256" /></label>
          <button type="submit">${t('search')}</button>
        </form>
        ${
          rows.length || query.name
            ? html`<p>${t('results', { n: rows.length, hosts })} —
              <a class="button" href="/api/v1/inventory/software.csv?${params.toString()}" download>${t('exportCsv')}</a></p>
            <div class="table-box"><table class="stack"><thead><tr><th scope="col">${t('host')}</th><th scope="col">${t('client')}</th><th scope="col">${t('name')}</th><th scope="col">${t('version')}</th><th scope="col">${t('publisher')}</th></tr></thead>
            <tbody>${rows.map(
              (r) =>
                html`<tr><td data-label="${t('host')}"><a href="${BASE}/hosts/${encodeURIComponent(r.host_id)}">${r.hostname}</a></td><td data-label="${t('client')}">${r.client} / ${r.site}</td><td data-label="${t('name')}" class="wrap">${r.name}</td><td data-label="${t('version')}">${r.version}</td><td data-label="${t('publisher')}" class="wrap">${r.publisher ?? ''}</td></tr>`,
            )}</tbody></table></div>`
            : ''
        }`,
      ),
    );
  });

  return app;
}
