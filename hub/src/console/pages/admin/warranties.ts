import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { scopeAllows } from '../../../db/client-scope.js';
import { type ImportLineError, importWarranties } from '../../../licences/warranty-import.js';
import { listWarranties } from '../../../repositories/warranties.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../../env.js';
import { type FleetKey, fleetWords } from '../../i18n/fleet.js';
import { csrfField, type Html, page } from '../../views/layout.js';
import { expiryLabel } from '../fleet-format.js';

const WARRANTIES = `${BASE}/admin/warranties`;
/** Errors listed on a refused file; the rest are counted. */
const ERRORS_SHOWN = 50;

/** /console/admin/warranties: every host's warranty, soonest end first, and the CSV import. */
export function warrantyAdminRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();

  const warrantyPage = async (c: Context<ConsoleEnv>, notice?: Html) => {
    const t = c.var.t;
    const w = fleetWords(t.lang);
    const now = deps.clock();
    const rows = (await listWarranties(deps.db))
      .filter((r) => scopeAllows(c.var.scope, r.client))
      .sort((a, b) => Number(a.warranty_until) - Number(b.warranty_until));
    return page(
      c,
      t('warrantiesTitle'),
      html`${notice ?? ''}
      ${
        rows.length
          ? html`<div class="table-box"><table class="stack"><thead><tr><th scope="col">${t('host')}</th><th scope="col">${t('client')}</th><th scope="col">${w('warrantyVendor')}</th><th scope="col">${w('warUntil')}</th></tr></thead>
          <tbody>${rows.map(
            (
              r,
            ) => html`<tr><td data-label="${t('host')}" class="wrap"><a href="${BASE}/hosts/${encodeURIComponent(r.host_id)}">${r.hostname}</a></td>
              <td data-label="${t('client')}" class="wrap">${r.client}</td><td data-label="${w('warrantyVendor')}">${r.vendor ?? '—'}</td>
              <td data-label="${w('warUntil')}">${w.date(Number(r.warranty_until))} — ${expiryLabel(t, w, Number(r.warranty_until), now)}</td></tr>`,
          )}</tbody></table></div>`
          : html`<p>${t('noWarranties')}</p>`
      }
      <h2 id="import">${w('warImport')}</h2>
      <p>${w('warImportHelp')}</p>
      <form method="post" action="${WARRANTIES}/import" enctype="multipart/form-data" class="filters">
        ${csrfField(c)}
        <label>${w('warFile')} <input type="file" name="file" accept=".csv,text/csv" /></label>
        <label class="wide">CSV <textarea name="csv" rows="4" maxlength="60000" placeholder="serial,vendor,end_date&#10;5CD1234XYZ,HP,2027-06-30"></textarea></label>
        <button type="submit">${w('warImport')}</button>
      </form>`,
    );
  };

  app.get('/warranties', async (c) => c.html(await warrantyPage(c)));

  app.post('/warranties/import', async (c) => {
    const t = c.var.t;
    const w = fleetWords(t.lang);
    const form = await c.req.parseBody();
    const file = form.file;
    const text =
      file instanceof File && file.size > 0
        ? await file.text()
        : typeof form.csv === 'string'
          ? form.csv
          : '';
    const result = await importWarranties(deps, text, c.var.user?.name ?? 'console');
    if (result.ok)
      return c.html(
        await warrantyPage(
          c,
          html`<p role="status" class="notice">${w('warImported', { n: result.imported.length })}</p>`,
        ),
      );
    const line = (e: ImportLineError) =>
      html`<li>${e.line > 0 ? `${w('warLine', { line: e.line })} : ` : ''}${w(`warErr_${e.code}` as FleetKey)}</li>`;
    const notice = html`<div role="alert" class="error"><p><strong>${w('warRejected')}</strong></p>
      <ul>${result.errors.slice(0, ERRORS_SHOWN).map(line)}</ul>${result.errors.length > ERRORS_SHOWN ? html`<p>+${result.errors.length - ERRORS_SHOWN}</p>` : ''}</div>`;
    return c.html(await warrantyPage(c, notice), 400);
  });

  return app;
}
