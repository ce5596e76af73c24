import type { Context } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { LICENCE_KINDS, LICENCE_MODELS } from '../../../db/tables/inventory-history.js';
import { licenceCreateBody } from '../../../licences/licence-view.js';
import type { LicenceRow } from '../../../repositories/licences.js';
import { BASE, type ConsoleEnv } from '../../env.js';
import { type FleetKey, fleetWords } from '../../i18n/fleet.js';
import { csrfField, type Html } from '../../views/layout.js';

/** The form's fields as typed (strings), so a refused form comes back as the admin left it. */
export type LicenceFormValues = Readonly<Record<string, string>>;

const FIELD_LABEL: Readonly<Record<string, FleetKey>> = {
  vendor: 'licVendor',
  kind: 'licKind',
  model: 'licModel',
  namePattern: 'licNamePattern',
  publisherPattern: 'licPublisherPattern',
  seats: 'licSeats',
  key: 'licKey',
  cost: 'licCost',
  currency: 'licCurrency',
  expiresAt: 'licExpires',
  notes: 'licNotes',
};

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const day = (ms: number | null) => (ms === null ? '' : new Date(Number(ms)).toISOString().slice(0, 10));

/** A stored licence as form values (the key is never sent back to the browser). */
export function valuesOf(row: LicenceRow): LicenceFormValues {
  return {
    product: row.product,
    vendor: row.vendor ?? '',
    kind: row.kind,
    model: row.model,
    namePattern: row.name_pattern,
    publisherPattern: row.publisher_pattern ?? '',
    seats: String(row.seats),
    cost: row.cost === null ? '' : String(row.cost),
    currency: row.currency ?? '',
    expiresAt: day(row.expires_at),
    client: row.client ?? '',
    notes: row.notes,
  };
}

/**
 * A posted form as the API's licence body (same schema, same rules). Empty optional fields are
 * cleared (null) on edit and left out on create; an empty key keeps the stored one.
 */
export function parseLicenceForm(form: Record<string, unknown>, editing: boolean) {
  const orNull = (v: string) => (v === '' ? (editing ? null : undefined) : v);
  const num = (v: string) => (v === '' ? (editing ? null : undefined) : Number(v.replace(',', '.')));
  const body = {
    product: text(form.product),
    vendor: orNull(text(form.vendor)),
    kind: text(form.kind) || 'software',
    model: text(form.model) || 'per_device',
    namePattern: text(form.namePattern),
    publisherPattern: orNull(text(form.publisherPattern)),
    seats: Number(text(form.seats) || 'NaN'),
    key: text(form.key) === '' ? undefined : text(form.key),
    cost: num(text(form.cost)),
    currency: orNull(text(form.currency).toUpperCase()),
    expiresAt: orNull(text(form.expiresAt)),
    client: orNull(text(form.client)),
    notes: text(form.notes),
  };
  const defined = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
  return licenceCreateBody.safeParse(defined);
}

/** The refused fields, named in the page's language. */
export function refusedFields(c: Context<ConsoleEnv>, error: z.ZodError): string {
  const w = fleetWords(c.var.t.lang);
  const t = c.var.t;
  const names = [...new Set(error.issues.map((i) => String(i.path[0] ?? '')))].map((f) => {
    if (f === 'product') return t('product');
    if (f === 'client') return t('client');
    const key = FIELD_LABEL[f];
    return key ? w(key) : f;
  });
  return names.join(', ');
}

/** Create or edit form; `id` set when editing. */
export function licenceForm(
  c: Context<ConsoleEnv>,
  values: LicenceFormValues,
  options: { id?: string; hasKey?: boolean; clients: readonly string[] },
): Html {
  const t = c.var.t;
  const w = fleetWords(t.lang);
  const v = (k: string) => values[k] ?? '';
  const action = options.id
    ? `${BASE}/admin/licences/${encodeURIComponent(options.id)}`
    : `${BASE}/admin/licences`;
  const select = (name: string, label: string, options: readonly string[], prefix: 'kind' | 'model') =>
    html`<label>${label} <select name="${name}">${options.map(
      (o) =>
        html`<option value="${o}"${v(name) === o ? html` selected` : ''}>${w(`${prefix}_${o}` as FleetKey)}</option>`,
    )}</select></label>`;
  return html`<form method="post" action="${action}" class="filters licence-form">
    ${csrfField(c)}
    <label>${t('product')} <input name="product" required maxlength="256" value="${v('product')}" /></label>
    <label>${w('licVendor')} <input name="vendor" maxlength="256" value="${v('vendor')}" /></label>
    ${select('kind', w('licKind'), LICENCE_KINDS, 'kind')}
    ${select('model', w('licModel'), LICENCE_MODELS, 'model')}
    <label>${w('licNamePattern')} <input name="namePattern" required maxlength="256" value="${v('namePattern')}" /></label>
    <label>${w('licPublisherPattern')} <input name="publisherPattern" maxlength="256" value="${v('publisherPattern')}" /></label>
    <label>${w('licSeats')} <input name="seats" type="number" min="0" max="10000000" required value="${v('seats')}" /></label>
    <label>${w('licKey')} <input name="key" type="password" autocomplete="off" maxlength="1024"${options.hasKey ? html` placeholder="${w('licKeyKeep')}"` : ''} /></label>
    <label>${w('licCost')} <input name="cost" inputmode="decimal" maxlength="20" value="${v('cost')}" /></label>
    <label>${w('licCurrency')} <input name="currency" maxlength="3" size="4" value="${v('currency')}" placeholder="EUR" /></label>
    <label>${w('licExpires')} <input name="expiresAt" type="date" value="${v('expiresAt')}" /></label>
    <label>${t('client')} <input name="client" maxlength="256" list="licence-clients" value="${v('client')}" placeholder="${w('licClientAll')}" /></label>
    <datalist id="licence-clients">${options.clients.map((name) => html`<option value="${name}"></option>`)}</datalist>
    <label class="wide">${w('licNotes')} <textarea name="notes" maxlength="4096" rows="2">${v('notes')}</textarea></label>
    <button type="submit">${w('licSave')}</button>
  </form>`;
}

export const retireForm = z.object({ confirm: z.literal('yes') });
