import {
  checkOverridesSchema,
  HOST_ROLES,
  type LayerName,
  POLICY_LAYER_SCOPES,
  type Policy,
  type PolicyLayerScope,
  type PolicyLayerSettings,
  policyLayerSchema,
} from '@vigie/shared';
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { ApiError } from '../../../api/api-error.js';
import { parseValue } from '../../../api/validate.js';
import { hostPolicy } from '../../../policies/host-policy.js';
import { findLayer, listLayers } from '../../../policies/layers.js';
import type { PolicyService } from '../../../policies/policy-service.js';
import { findHost } from '../../../repositories/hosts.js';
import { findClient, findSite, listClients, listSites } from '../../../tenancy/clients.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../../env.js';
import { runAction } from '../../views/action-error.js';
import { csrfField, type Html, page } from '../../views/layout.js';

/** The check kinds a layer can override, in the schema's order. */
const RULE_KINDS = Object.keys(checkOverridesSchema.shape) as Array<keyof typeof checkOverridesSchema.shape>;
const LEVELS = ['warning', 'critical'] as const;
const LEVEL_FIELDS = ['trigger', 'clear', 'forSec'] as const;

type Values = Readonly<Record<string, string>>;
type FormBody = Record<string, unknown>;

const field = (kind: string, name: string) => `${kind}|${name}`;
const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
/** A number field: empty is absent; anything else not a number stays text, for zod to name. */
const numberOrText = (value: string): number | string | undefined =>
  value === '' ? undefined : Number.isFinite(Number(value)) ? Number(value) : value;
const onOff = (value: string) => (value === 'on' ? true : value === 'off' ? false : undefined);
const lines = (value: string) =>
  value
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean);

function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

/**
 * The layer a form describes: the fields the form shows replace the stored ones (empty: inherit);
 * settings the form does not show (resource filters, options, windows) are kept as stored.
 */
export function settingsFromForm(form: FormBody, stored: PolicyLayerSettings): Record<string, unknown> {
  const out: Record<string, unknown> = { ...stored };
  put(out, 'metricsIntervalSec', numberOrText(text(form.metricsIntervalSec)));
  put(out, 'processesIntervalSec', numberOrText(text(form.processesIntervalSec)));
  put(out, 'inventoryCron', text(form.inventoryCron) || undefined);
  const services = lines(text(form.services));
  put(out, 'services', services.length ? services : undefined);
  put(out, 'autoUpdate', onOff(text(form.autoUpdate)));
  const checks: Record<string, unknown> = { ...(stored.checks ?? {}) };
  for (const kind of RULE_KINDS) {
    const f = (name: string) => text(form[field(kind, name)]);
    const override: Record<string, unknown> = { ...((checks[kind] as object | undefined) ?? {}) };
    put(override, 'enabled', onOff(f('enabled')));
    put(override, 'forSec', numberOrText(f('forSec')));
    put(override, 'clearForSec', numberOrText(f('clearForSec')));
    for (const level of LEVELS) {
      if (f(`${level}.off`) === '1') {
        override[level] = null;
        continue;
      }
      const threshold: Record<string, unknown> = {};
      for (const key of LEVEL_FIELDS) put(threshold, key, numberOrText(f(`${level}.${key}`)));
      put(override, level, Object.keys(threshold).length ? threshold : undefined);
    }
    put(checks, kind, Object.keys(override).length ? override : undefined);
  }
  put(out, 'checks', Object.keys(checks).length ? checks : undefined);
  return out;
}

/** The form's fields filled from a stored layer. */
function valuesOf(settings: PolicyLayerSettings): Record<string, string> {
  const values: Record<string, string> = {};
  const set = (name: string, value: unknown) => {
    if (value !== undefined && value !== null) values[name] = String(value);
  };
  set('metricsIntervalSec', settings.metricsIntervalSec);
  set('processesIntervalSec', settings.processesIntervalSec);
  set('inventoryCron', settings.inventoryCron);
  set('services', settings.services?.join('\n'));
  set('autoUpdate', settings.autoUpdate === undefined ? undefined : settings.autoUpdate ? 'on' : 'off');
  for (const kind of RULE_KINDS) {
    const o = settings.checks?.[kind];
    if (!o) continue;
    set(field(kind, 'enabled'), o.enabled === undefined ? undefined : o.enabled ? 'on' : 'off');
    set(field(kind, 'forSec'), o.forSec);
    set(field(kind, 'clearForSec'), o.clearForSec);
    for (const level of LEVELS) {
      const threshold = o[level];
      if (threshold === null) set(field(kind, `${level}.off`), '1');
      else for (const key of LEVEL_FIELDS) set(field(kind, `${level}.${key}`), threshold?.[key]);
    }
  }
  return values;
}

/** Settings of a stored layer the form cannot show, named so the admin knows they are kept. */
function keptSettings(settings: PolicyLayerSettings): string[] {
  const kept: string[] = [];
  if (settings.maintenanceWindows) kept.push('maintenanceWindows');
  for (const [kind, o] of Object.entries(settings.checks ?? {})) {
    if (o && 'resources' in o && o.resources) kept.push(`${kind}.resources`);
    if (o && 'options' in o && o.options) kept.push(`${kind}.options`);
  }
  return kept;
}

/** A value of the effective policy at a `sources` path (`/checks/cpu.busy/warning/trigger`). */
export function valueAt(policy: Policy, path: string): unknown {
  const [top, ...rest] = path.split('/').filter(Boolean);
  let value: unknown =
    top === 'checks'
      ? policy.checks?.find((rule) => rule.kind === rest.shift())
      : (policy as Record<string, unknown>)[top ?? ''];
  for (const key of rest)
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

const layerHref = (scope: PolicyLayerScope, target: string) =>
  `${BASE}/admin/policies/layer?${new URLSearchParams({ scope, target }).toString()}`;

function isScope(value: string): value is PolicyLayerScope {
  return (POLICY_LAYER_SCOPES as readonly string[]).includes(value);
}

/**
 * /console/admin/policies: rules and thresholds as policy layers (global, client, site, role,
 * host), edited through the API's policy service — same schema, same consistency check, same push
 * to the connected agents — and a host's effective policy with the layer that set each value.
 */
export function policyAdminRoutes(deps: ConsoleDeps, policies: PolicyService) {
  const app = new Hono<ConsoleEnv>();

  /** What a layer is called on the page (names, not ids); undefined when its target does not exist. */
  const describe = async (scope: PolicyLayerScope, target: string): Promise<string | undefined> => {
    switch (scope) {
      case 'global':
        return target === '' ? '' : undefined;
      case 'role':
        return (HOST_ROLES as readonly string[]).includes(target) ? target : undefined;
      case 'client':
        return (await findClient(deps.db, target))?.name;
      case 'site': {
        const site = await findSite(deps.db, target);
        const client = site && (await findClient(deps.db, site.client_id));
        return site && `${client?.name ?? '?'}/${site.name}`;
      }
      case 'host':
        return (await findHost(deps.db, target))?.hostname;
    }
  };

  app.get('/', async (c) => {
    const t = c.var.t;
    const layers = await listLayers(deps.db);
    const named = [];
    for (const layer of layers)
      named.push({ ...layer, label: (await describe(layer.scope, layer.target)) ?? layer.target });
    const clients = await listClients(deps.db);
    const sites = await listSites(deps.db);
    const clientName = new Map(clients.map((cl) => [cl.id, cl.name]));
    const link = (scope: PolicyLayerScope, target: string, label: string) =>
      html`<li><a href="${layerHref(scope, target)}">${t(`policyScope_${scope}`)} ${label}</a></li>`;
    return c.html(
      page(
        c,
        t('policiesTitle'),
        html`<p>${t('policiesIntro')}</p>
        <h2>${t('policyLayers')}</h2>
        ${
          named.length
            ? html`<table><thead><tr><th scope="col">${t('scope')}</th><th scope="col">${t('target')}</th><th scope="col">${t('policyRevision')}</th>
              <th scope="col">${t('policyUpdated')}</th><th scope="col"></th></tr></thead>
              <tbody>${named.map(
                (
                  l,
                ) => html`<tr><td>${t(`policyScope_${l.scope}`)}</td><td>${l.label}</td><td>${l.revision}</td>
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
      ),
    );
  });

  const layerPage = async (
    c: Context<ConsoleEnv>,
    scope: PolicyLayerScope,
    target: string,
    label: string,
    values: Values,
    notice?: Html,
  ) => {
    const t = c.var.t;
    const stored = (await findLayer(deps.db, scope, target))?.settings ?? {};
    const kept = keptSettings(stored);
    const defaults = new Map((policies.defaults.checks ?? []).map((rule) => [rule.kind, rule]));
    const input = (name: string, aria: string, placeholder: unknown = '', size = 5) =>
      html`<input name="${name}" value="${values[name] ?? ''}" size="${size}" aria-label="${aria}" placeholder="${placeholder ?? ''}" />`;
    const tri = (name: string, aria: string) =>
      html`<select name="${name}" aria-label="${aria}">${(['', 'on', 'off'] as const).map(
        (v) =>
          html`<option value="${v}"${(values[name] ?? '') === v ? html` selected` : ''}>${v === '' ? t('admInherit') : v === 'on' ? t('admOn') : t('admOff')}</option>`,
      )}</select>`;
    const rows = RULE_KINDS.map((kind) => {
      const d = defaults.get(kind);
      const levelCells = LEVELS.map((level) => {
        const name = field(kind, `${level}.off`);
        const levelLabel = `${kind} ${t(level === 'warning' ? 'policyWarning' : 'policyCritical')}`;
        return html`<td>${LEVEL_FIELDS.map((key) =>
          input(
            field(kind, `${level}.${key}`),
            `${levelLabel} ${t(key === 'trigger' ? 'policyTrigger' : key === 'clear' ? 'policyClear' : 'policyFor')}`,
            d?.[level]?.[key],
          ),
        )}
          <label><input type="checkbox" name="${name}" value="1"${values[name] === '1' ? html` checked` : ''} /> ${t('policyLevelOff')}</label></td>`;
      });
      return html`<tr><th scope="row"><code>${kind}</code></th>
        <td>${tri(field(kind, 'enabled'), `${kind} ${t('policyEnabled')}`)}</td>
        ${levelCells}
        <td>${input(field(kind, 'forSec'), `${kind} ${t('policyForSec')}`, d?.forSec)}</td>
        <td>${input(field(kind, 'clearForSec'), `${kind} ${t('policyClearForSec')}`, d?.clearForSec)}</td></tr>`;
    });
    const hidden = html`${csrfField(c)}<input type="hidden" name="scope" value="${scope}" /><input type="hidden" name="target" value="${target}" />`;
    return page(
      c,
      t('policyLayerTitle', { scope: t(`policyScope_${scope}`), target: label }),
      html`${notice ?? ''}
      <p>${t('policiesIntro')}</p>
      ${kept.length ? html`<p>${t('policyKept', { keys: kept.join(', ') })}</p>` : ''}
      <form method="post" action="${BASE}/admin/policies/layer">
        ${hidden}
        <fieldset><legend>${t('policyIntervals')}</legend>
          <label>${t('policyMetricsInterval')} ${input('metricsIntervalSec', t('policyMetricsInterval'), policies.defaults.metricsIntervalSec)}</label>
          <label>${t('policyProcessesInterval')} ${input('processesIntervalSec', t('policyProcessesInterval'), policies.defaults.processesIntervalSec)}</label>
          <label>${t('policyInventoryCron')} ${input('inventoryCron', t('policyInventoryCron'), policies.defaults.inventoryCron, 16)}</label>
          <label>${t('policyAutoUpdate')} ${tri('autoUpdate', t('policyAutoUpdate'))}</label>
          <label>${t('policyServices')} <textarea name="services" rows="3" cols="30">${values.services ?? ''}</textarea></label>
        </fieldset>
        <h2>${t('policyChecks')}</h2>
        <table class="policy-checks"><thead><tr><th scope="col">${t('policyCheck')}</th><th scope="col">${t('policyEnabled')}</th>
          <th scope="col">${t('policyWarning')} (${t('policyTrigger')} / ${t('policyClear')} / ${t('policyFor')})</th>
          <th scope="col">${t('policyCritical')} (${t('policyTrigger')} / ${t('policyClear')} / ${t('policyFor')})</th>
          <th scope="col">${t('policyForSec')}</th><th scope="col">${t('policyClearForSec')}</th></tr></thead>
          <tbody>${rows}</tbody></table>
        <button type="submit">${t('save')}</button>
      </form>
      <form method="post" action="${BASE}/admin/policies/layer">
        ${hidden}<input type="hidden" name="clear" value="1" />
        <button type="submit">${t('policyClearLayer')}</button>
      </form>
      <p><a href="${BASE}/admin/policies">${t('policiesTitle')}</a></p>`,
    );
  };

  /** The layer a request names, or a 404 page. */
  const layerOf = async (scopeText: string, targetText: string) => {
    const scope = isScope(scopeText) ? scopeText : undefined;
    let target = scope === 'global' ? '' : targetText.trim().slice(0, 256);
    // A host layer may be asked for by hostname too (the form says "host").
    if (scope === 'host' && !(await findHost(deps.db, target))) {
      const byName = await deps.db
        .selectFrom('hosts')
        .select('id')
        .where('hostname', '=', target)
        .executeTakeFirst();
      target = byName?.id ?? target;
    }
    const label = scope && (await describe(scope, target));
    return scope && label !== undefined ? { scope, target, label } : undefined;
  };
  const notFound = (c: Context<ConsoleEnv>) =>
    c.html(page(c, c.var.t('notFoundTitle'), html`<p role="alert">${c.var.t('notFoundText')}</p>`), 404);

  app.get('/layer', async (c) => {
    const layer = await layerOf(c.req.query('scope') ?? '', c.req.query('target') ?? '');
    if (!layer) return notFound(c);
    const stored = (await findLayer(deps.db, layer.scope, layer.target))?.settings ?? {};
    const saved = c.req.query('pushed');
    const notice =
      saved === undefined
        ? undefined
        : html`<p role="status">${c.var.t('admPushed', { revision: c.req.query('revision') ?? '', n: saved })}</p>`;
    return c.html(await layerPage(c, layer.scope, layer.target, layer.label, valuesOf(stored), notice));
  });

  app.post('/layer', async (c) => {
    const form = await c.req.parseBody();
    const layer = await layerOf(text(form.scope), text(form.target));
    if (!layer) return notFound(c);
    const values = Object.fromEntries(
      Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? v : '']),
    );
    return runAction(
      c,
      async () => {
        const stored = (await findLayer(deps.db, layer.scope, layer.target))?.settings ?? {};
        const settings =
          form.clear === '1' ? {} : parseValue(policyLayerSchema, settingsFromForm(form, stored));
        const by = c.var.user?.name ?? null;
        const saved = await policies.save({ ...layer, settings }, { now: deps.clock(), by });
        if (!saved.ok) throw new ApiError(saved.code, saved.message, saved.problems);
        const query = new URLSearchParams({
          scope: layer.scope,
          target: layer.target,
          revision: String(saved.revision),
          pushed: String(saved.pushed),
        });
        return c.redirect(`${BASE}/admin/policies/layer?${query.toString()}`, 303);
      },
      (error) => layerPage(c, layer.scope, layer.target, layer.label, values, error),
    );
  });

  app.get('/effective', async (c) => {
    const t = c.var.t;
    const asked = (c.req.query('host') ?? '').trim().slice(0, 253);
    let hostId = asked;
    if (!(await findHost(deps.db, asked, c.var.scope))) {
      const byName = await deps.db
        .selectFrom('hosts')
        .select('id')
        .where('hostname', '=', asked)
        .executeTakeFirst();
      hostId = byName?.id ?? asked;
    }
    const view = asked ? await hostPolicy(deps.db, policies.defaults, hostId, c.var.scope) : undefined;
    if (!view) return notFound(c);
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
    return c.html(
      page(
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
      ),
    );
  });

  return app;
}
