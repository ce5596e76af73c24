import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { fleetFilterValues } from '../../../hosts/fleet-query.js';
import { type Compliance, licenceCompliance } from '../../../licences/compliance.js';
import { changeLicence, createLicence, retireLicence } from '../../../licences/licence-service.js';
import { maskKey } from '../../../licences/licence-view.js';
import { findLicence, type LicenceRow, listLicences } from '../../../repositories/licences.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../../env.js';
import { type FleetKey, type FleetWords, fleetWords } from '../../i18n/fleet.js';
import { csrfField, type Html, messagePage, page } from '../../views/layout.js';
import { expiryLabel } from '../fleet-format.js';
import {
  type LicenceFormValues,
  licenceForm,
  parseLicenceForm,
  refusedFields,
  retireForm,
  valuesOf,
} from './licence-form.js';

const LICENCES = `${BASE}/admin/licences`;

/** The hosts past the seat count, in the order compliance lists them (seat weight per model). */
export function hostsInExcess(compliance: Compliance): string[] {
  if (compliance.overDeployed <= 0) return [];
  let used = 0;
  const excess: string[] = [];
  for (const host of compliance.hosts) {
    used += compliance.model === 'per_seat' ? host.installations : 1;
    if (used > compliance.seats) excess.push(host.hostname);
  }
  return excess;
}

function licenceRow(
  c: Context<ConsoleEnv>,
  w: FleetWords,
  l: LicenceRow,
  compliance: Compliance,
  now: number,
): Html {
  const t = c.var.t;
  const excess = hostsInExcess(compliance);
  const id = encodeURIComponent(l.id);
  return html`<tr class="${compliance.overDeployed > 0 ? 'row-over' : ''}">
    <td data-label="${t('product')}" class="wrap"><strong>${l.product}</strong>${l.vendor ? html`<br /><small>${l.vendor}</small>` : ''}
      <br /><small>${w(`kind_${l.kind}` as FleetKey)} · ${w(`model_${l.model}` as FleetKey)}${l.licence_key === null ? '' : html` · ${w('licKey')} <code>${maskKey(l.licence_key)}</code>`}</small></td>
    <td data-label="${t('client')}" class="wrap">${l.client ?? w('licClientAll')}</td>
    <td data-label="${t('seats')}"><meter min="0" max="${Math.max(compliance.seats, compliance.used, 1)}" high="${compliance.seats}" optimum="0" value="${compliance.used}"></meter> ${compliance.used} / ${compliance.seats}</td>
    <td data-label="${t('compliance')}" class="wrap">${
      compliance.overDeployed > 0
        ? html`<strong class="error">${t('overused')} (+${compliance.overDeployed})</strong>
          <details><summary>${w('licExcess')} (${excess.length})</summary><ul class="excess">${excess.map((h) => html`<li>${h}</li>`)}</ul></details>`
        : t('compliant')
    }</td>
    <td data-label="${t('expires')}">${l.expires_at === null ? '—' : html`${w.date(Number(l.expires_at))}<br />${expiryLabel(t, w, Number(l.expires_at), now)}`}</td>
    <td data-label="${w('licCost')}">${l.cost === null ? '—' : w.money(Number(l.cost), l.currency)}</td>
    <td data-label="${w('licActions')}" class="actions"><a class="button" href="${LICENCES}/${id}/edit">${w('licEditShort')}</a>
      <a class="button danger" href="${LICENCES}/${id}/retire">${w('licRetire')}</a></td>
  </tr>`;
}

/** /console/admin/licences: licences with compliance and expiry, created, edited and retired here. */
export function licenceAdminRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  const clients = async (c: Context<ConsoleEnv>) => (await fleetFilterValues(deps.db, c.var.scope)).clients;
  const by = (c: Context<ConsoleEnv>) => c.var.user?.name ?? 'console';

  const listPage = async (
    c: Context<ConsoleEnv>,
    notice?: Html,
    form?: { values: LicenceFormValues; error?: string },
  ) => {
    const t = c.var.t;
    const w = fleetWords(t.lang);
    const now = deps.clock();
    const rows = await Promise.all(
      (await listLicences(deps.db)).map(async (l) => ({
        l,
        compliance: await licenceCompliance(deps.db, l),
      })),
    );
    return page(
      c,
      t('licencesTitle'),
      html`${notice ?? ''}
      ${
        rows.length
          ? html`<div class="table-box"><table class="licences stack"><thead><tr><th scope="col">${t('product')}</th><th scope="col">${t('client')}</th><th scope="col">${t('seats')}</th><th scope="col">${t('compliance')}</th><th scope="col">${t('expires')}</th><th scope="col">${w('licCost')}</th><th scope="col">${w('licActions')}</th></tr></thead>
          <tbody>${rows.map(({ l, compliance }) => licenceRow(c, w, l, compliance, now))}</tbody></table></div>`
          : html`<p>${t('noLicences')}</p>`
      }
      <h2 id="new">${w('licNew')}</h2>
      ${form?.error ? html`<p role="alert" class="error">${form.error}</p>` : ''}
      ${licenceForm(c, form?.values ?? { seats: '1' }, { clients: await clients(c) })}`,
    );
  };

  const editPage = async (
    c: Context<ConsoleEnv>,
    row: LicenceRow,
    values: LicenceFormValues,
    error?: string,
  ) => {
    const w = fleetWords(c.var.t.lang);
    return page(
      c,
      `${w('licEdit')} — ${row.product}`,
      html`${error ? html`<p role="alert" class="error">${error}</p>` : ''}
      ${licenceForm(c, values, { id: row.id, hasKey: row.licence_key !== null, clients: await clients(c) })}
      <p><a href="${LICENCES}">${w('cancel')}</a></p>`,
    );
  };

  const notFound = (c: Context<ConsoleEnv>) =>
    c.html(messagePage(c, c.var.t('notFoundTitle'), c.var.t('notFoundText')), 404);
  const formValues = (form: Record<string, unknown>): LicenceFormValues =>
    Object.fromEntries(
      Object.entries(form).flatMap(([k, v]) =>
        typeof v === 'string' && k !== 'key' && k !== '_csrf' ? [[k, v]] : [],
      ),
    );

  app.get('/licences', async (c) => {
    const saved = c.req.query('saved');
    const w = fleetWords(c.var.t.lang);
    const notice = saved
      ? html`<p role="status" class="notice">${w(saved === 'retired' ? 'licRetired' : 'licSaved')}</p>`
      : undefined;
    return c.html(await listPage(c, notice));
  });

  app.post('/licences', async (c) => {
    const form = await c.req.parseBody();
    const parsed = parseLicenceForm(form, false);
    if (!parsed.success) {
      const error = fleetWords(c.var.t.lang)('licRefused', { why: refusedFields(c, parsed.error) });
      return c.html(await listPage(c, undefined, { values: formValues(form), error }), 400);
    }
    await createLicence(deps, parsed.data, by(c));
    return c.redirect(`${LICENCES}?saved=1`, 303);
  });

  app.get('/licences/:id/edit', async (c) => {
    const row = await findLicence(deps.db, c.req.param('id'));
    return row ? c.html(await editPage(c, row, valuesOf(row))) : notFound(c);
  });

  app.post('/licences/:id', async (c) => {
    const row = await findLicence(deps.db, c.req.param('id'));
    if (!row) return notFound(c);
    const form = await c.req.parseBody();
    const parsed = parseLicenceForm(form, true);
    if (!parsed.success) {
      const error = fleetWords(c.var.t.lang)('licRefused', { why: refusedFields(c, parsed.error) });
      return c.html(await editPage(c, row, formValues(form), error), 400);
    }
    await changeLicence(deps, row.id, parsed.data, by(c));
    return c.redirect(`${LICENCES}?saved=1`, 303);
  });

  // Retiring asks first, on the server: a POST without `confirm=yes` shows the question again.
  const confirmPage = (c: Context<ConsoleEnv>, row: LicenceRow) => {
    const w = fleetWords(c.var.t.lang);
    return page(
      c,
      w('licRetire'),
      html`<p>${w('licRetireConfirm', { product: row.product })}</p>
      <form method="post" action="${LICENCES}/${encodeURIComponent(row.id)}/retire" class="confirm">${csrfField(c)}
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="danger">${w('licRetire')}</button> <a class="button" href="${LICENCES}">${w('cancel')}</a></form>`,
    );
  };
  app.get('/licences/:id/retire', async (c) => {
    const row = await findLicence(deps.db, c.req.param('id'));
    return row ? c.html(confirmPage(c, row)) : notFound(c);
  });
  app.post('/licences/:id/retire', async (c) => {
    const row = await findLicence(deps.db, c.req.param('id'));
    if (!row) return notFound(c);
    if (!retireForm.safeParse(await c.req.parseBody()).success) return c.html(confirmPage(c, row), 400);
    await retireLicence(deps, row.id, by(c));
    return c.redirect(`${LICENCES}?saved=retired`, 303);
  });

  return app;
}
