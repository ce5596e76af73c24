import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { licenceCompliance } from '../../../licences/compliance.js';
import { searchSoftware } from '../../../repositories/inventory-software.js';
import { listLicences } from '../../../repositories/licences.js';
import { listWarranties } from '../../../repositories/warranties.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../../env.js';
import { optionalText, queryOf } from '../../views/fields.js';
import { page } from '../../views/layout.js';

const DAY_MS = 86_400_000;
const SOFTWARE_ROWS = 500;

const inventoryQuery = z.object({ name: optionalText(), client: optionalText() });

/** /console/admin/inventory, /licences, /warranties: what the fleet runs and what it is owed. */
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
        html`<form method="get" action="${BASE}/admin/inventory" role="search">
          <label>${t('softwareName')} <input type="search" name="name" value="${query.name ?? ''}" maxlength="256" /></label>
          <label>${t('client')} <input name="client" value="${query.client ?? ''}" maxlength="256" /></label>
          <button type="submit">${t('search')}</button>
        </form>
        ${
          rows.length || query.name
            ? html`<p>${t('results', { n: rows.length, hosts })} —
              <a href="/api/v1/inventory/software.csv?${params.toString()}" download>${t('exportCsv')}</a></p>
            <table><thead><tr><th scope="col">${t('host')}</th><th scope="col">${t('client')}</th><th scope="col">${t('name')}</th><th scope="col">${t('version')}</th><th scope="col">${t('publisher')}</th></tr></thead>
            <tbody>${rows.map(
              (r) =>
                html`<tr><td><a href="${BASE}/hosts/${encodeURIComponent(r.host_id)}">${r.hostname}</a></td><td>${r.client} / ${r.site}</td><td>${r.name}</td><td>${r.version}</td><td>${r.publisher ?? ''}</td></tr>`,
            )}</tbody></table>`
            : ''
        }`,
      ),
    );
  });

  app.get('/licences', async (c) => {
    const t = c.var.t;
    const now = deps.clock();
    const licences = await listLicences(deps.db);
    const rows = await Promise.all(
      licences.map(async (l) => ({ l, compliance: await licenceCompliance(deps.db, l) })),
    );
    const soon = licences
      .filter((l) => l.expires_at !== null && Number(l.expires_at) <= now + 90 * DAY_MS)
      .sort((a, b) => Number(a.expires_at) - Number(b.expires_at));
    return c.html(
      page(
        c,
        t('licencesTitle'),
        html`${
          rows.length
            ? html`<table><thead><tr><th scope="col">${t('product')}</th><th scope="col">${t('client')}</th><th scope="col">${t('seats')}</th><th scope="col">${t('compliance')}</th><th scope="col">${t('expires')}</th></tr></thead>
            <tbody>${rows.map(
              ({ l, compliance }) => html`<tr><td>${l.product}</td><td>${l.client ?? '*'}</td>
                <td><meter min="0" max="${Math.max(compliance.seats, compliance.used, 1)}" value="${compliance.used}"></meter> ${compliance.used} / ${compliance.seats}</td>
                <td>${compliance.overDeployed > 0 ? html`<strong class="error">${t('overused')} (+${compliance.overDeployed})</strong>` : t('compliant')}</td>
                <td>${l.expires_at === null ? '—' : t.dateTime(Number(l.expires_at))}</td></tr>`,
            )}</tbody></table>`
            : html`<p>${t('noLicences')}</p>`
        }
          <h2>${t('expiringSoon')}</h2>
          ${
            soon.length
              ? html`<ul>${soon.map((l) => html`<li><time>${t.dateTime(Number(l.expires_at))}</time> — ${l.product} (${l.client ?? '*'})</li>`)}</ul>`
              : html`<p>${t('none')}</p>`
          }`,
      ),
    );
  });

  app.get('/warranties', async (c) => {
    const t = c.var.t;
    const rows = (await listWarranties(deps.db)).sort(
      (a, b) => Number(a.warranty_until) - Number(b.warranty_until),
    );
    return c.html(
      page(
        c,
        t('warrantiesTitle'),
        rows.length
          ? html`<table><thead><tr><th scope="col">${t('host')}</th><th scope="col">${t('client')}</th><th scope="col">${t('expires')}</th></tr></thead>
            <tbody>${rows.map(
              (w) =>
                html`<tr><td><a href="${BASE}/hosts/${encodeURIComponent(w.host_id)}">${w.hostname}</a></td><td>${w.client}</td><td>${t.dateTime(Number(w.warranty_until))}</td></tr>`,
            )}</tbody></table>`
          : html`<p>${t('noWarranties')}</p>`,
      ),
    );
  });

  return app;
}
