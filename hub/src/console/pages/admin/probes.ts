import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { LiveSessions } from '../../../ingest/live-sessions.js';
import { listDevices, listProbingCandidates } from '../../../probes/devices.js';
import { addProbe } from '../../../probes/service.js';
import { findSiteAllowlist, listProbes, listProbeVoters } from '../../../probes/store.js';
import { readableSpec } from '../../../probes/stored-probe.js';
import type { HostRow } from '../../../repositories/hosts.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../../env.js';
import { runAction } from '../../views/action-error.js';
import { optionalText } from '../../views/fields.js';
import { csrfField, type Html, page } from '../../views/layout.js';

/** Devices shown per page; the client filter narrows a large fleet. */
const DEVICES_PER_PAGE = 100;
/** Kinds the console's form writes (one target field each; a DNS probe's target is its query). */
const FORM_KINDS = ['ping', 'tcp', 'http', 'tls', 'dns'] as const;
const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const numberOrText = (value: string) =>
  value !== '' && Number.isFinite(Number(value)) ? Number(value) : value;

/** The flat probe body of the API (spec fields plus device, name, agents) from the console form. */
export function probeBodyFromForm(form: Record<string, unknown>): Record<string, unknown> {
  const kind = text(form.kind);
  const target = text(form.target);
  const port = text(form.port);
  const agents = (Array.isArray(form.agents) ? form.agents : [form.agents]).map(text).filter(Boolean);
  const where =
    kind === 'http'
      ? { url: target }
      : kind === 'dns'
        ? { query: target }
        : { host: target, ...(port !== '' || kind === 'tcp' ? { port: numberOrText(port) } : {}) };
  return {
    device: text(form.device),
    name: text(form.name),
    agents,
    kind,
    ...(text(form.intervalSec) !== '' ? { intervalSec: numberOrText(text(form.intervalSec)) } : {}),
    ...where,
  };
}

/**
 * /console/admin/probes: devices (equipment without an agent), their probes with the state last
 * signalled and each agent's last result, and a form to add a probe through the API's own action
 * (same checks: agents of the site, per-agent caps, the site's allowlist).
 */
export function probeAdminRoutes(deps: ConsoleDeps, sessions: LiveSessions) {
  const app = new Hono<ConsoleEnv>();

  const deviceBlock = async (c: Context<ConsoleEnv>, device: HostRow, form: Record<string, string>) => {
    const t = c.var.t;
    const probes = await listProbes(deps.db, { device: device.id });
    const rows: Html[] = [];
    for (const probe of probes) {
      const spec = readableSpec(probe);
      const voters = await listProbeVoters(deps.db, probe.id);
      const target = spec
        ? 'url' in spec
          ? spec.url
          : 'host' in spec
            ? `${spec.host}${'port' in spec ? `:${spec.port}` : ''}`
            : ''
        : '';
      rows.push(html`<tr><td>${probe.name}</td><td>${probe.kind}</td><td>${target}</td>
        <td>${probe.enabled === 1 ? probe.down_state : t('disabled')}</td>
        <td><ul>${voters.map(
          (v) =>
            html`<li>${v.hostname} : ${v.last_outcome ?? '—'}${v.last_latency_ms === null ? '' : ` ${Math.round(Number(v.last_latency_ms))} ms`}${v.last_at === null ? '' : ` (${t.dateTime(Number(v.last_at))})`}${v.last_error ? ` — ${v.last_error}` : ''}</li>`,
        )}</ul></td></tr>`);
    }
    const candidates = await listProbingCandidates(deps.db, device.client, device.site);
    const agents = candidates.length
      ? await deps.db
          .selectFrom('hosts')
          .select(['id', 'hostname'])
          .where('id', 'in', candidates)
          .orderBy('hostname')
          .execute()
      : [];
    const allow = await findSiteAllowlist(deps.db, device.client, device.site);
    const mine = form.device === device.id;
    const v = (name: string, fallback = '') => (mine ? (form[name] ?? fallback) : fallback);
    return html`<section aria-labelledby="dev-${device.id}">
      <h2 id="dev-${device.id}">${device.hostname} <small>${device.client}/${device.site} · ${device.role}</small></h2>
      ${
        rows.length
          ? html`<table><thead><tr><th scope="col">${t('name')}</th><th scope="col">${t('probeKind')}</th><th scope="col">${t('target')}</th>
            <th scope="col">${t('probeState')}</th><th scope="col">${t('probeLast')}</th></tr></thead><tbody>${rows}</tbody></table>`
          : html`<p>${t('probeNone')}</p>`
      }
      <p>${t('probeAllowlist')} : ${allow.length ? allow.join(', ') : t('none')}</p>
      <form method="post" action="${BASE}/admin/probes" class="filters">
        ${csrfField(c)}<input type="hidden" name="device" value="${device.id}" />
        <label>${t('probeName')} <input name="name" required maxlength="100" value="${v('name')}" /></label>
        <label>${t('probeKind')} <select name="kind">${FORM_KINDS.map((k) => html`<option value="${k}"${v('kind') === k ? html` selected` : ''}>${k}</option>`)}</select></label>
        <label>${t('probeTarget')} <input name="target" required maxlength="2048" value="${v('target', device.hostname)}" /></label>
        <label>${t('probePort')} <input name="port" inputmode="numeric" size="6" value="${v('port')}" /></label>
        <label>${t('probeInterval')} <input name="intervalSec" inputmode="numeric" size="6" value="${v('intervalSec', '30')}" /></label>
        <fieldset><legend>${t('probeAgents')}</legend>${agents.map(
          (a, i) =>
            html`<label><input type="checkbox" name="agents" value="${a.id}"${i === 0 ? html` checked` : ''} /> ${a.hostname}</label>`,
        )}</fieldset>
        <button type="submit">${t('probeAdd')}</button>
      </form></section>`;
  };

  const probesPage = async (c: Context<ConsoleEnv>, notice?: Html, form: Record<string, string> = {}) => {
    const t = c.var.t;
    const client = optionalText().safeParse(c.req.query('client')).data;
    const devices = (await listDevices(deps.db, client ? { client } : {})).slice(0, DEVICES_PER_PAGE);
    const blocks: Html[] = [];
    for (const device of devices) blocks.push(await deviceBlock(c, device, form));
    return page(
      c,
      t('probesTitle'),
      html`${notice ?? ''}<p>${t('probesIntro')}</p>
      <form method="get" action="${BASE}/admin/probes" class="filters">
        <label>${t('client')} <input name="client" maxlength="256" value="${client ?? ''}" /></label>
        <button type="submit">${t('apply')}</button>
      </form>
      ${blocks.length ? blocks : html`<p>${t('probeNoDevices')}</p>`}`,
    );
  };

  app.get('/', async (c) => c.html(await probesPage(c)));

  app.post('/', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const values = Object.fromEntries(
      Object.entries(form).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
    );
    return runAction(
      c,
      async () => {
        await addProbe(deps, sessions, probeBodyFromForm(form), c.var.user?.name ?? 'console');
        return c.redirect(`${BASE}/admin/probes`, 303);
      },
      (error) => probesPage(c, error, values),
    );
  });

  return app;
}
