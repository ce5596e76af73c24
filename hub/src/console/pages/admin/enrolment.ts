import { HOST_ROLES } from '@vigie/shared';
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { installCommands } from '../../../artefacts/install-commands.js';
import { createEnrolmentToken } from '../../../enrolment/create-enrolment-token.js';
import { fleetFilterValues } from '../../../hosts/fleet-query.js';
import { revokeHostAgents } from '../../../repositories/agents.js';
import { listEnrolmentTokens, revokeEnrolmentToken } from '../../../repositories/enrolment-tokens.js';
import { findHost, type HostRow } from '../../../repositories/hosts.js';
import { BASE, type ConsoleDeps, type ConsoleEnv, type ConsoleOptions } from '../../env.js';
import { fleetWords } from '../../i18n/fleet.js';
import { optionalText } from '../../views/fields.js';
import { csrfField, type Html, page } from '../../views/layout.js';
import { roleLabel } from '../host.js';

const HOUR_MS = 3_600_000;

const confirmed = z.object({ confirm: z.literal('yes') });

const tokenForm = z.object({
  client: z.string().trim().min(1).max(256),
  site: z.string().trim().min(1).max(256),
  role: z.enum(['', ...HOST_ROLES]).optional(),
  maxUses: z.coerce.number().int().min(1).max(100_000),
  ttlHours: z.coerce
    .number()
    .min(0.01)
    .max(24 * 366),
  note: optionalText(1000),
});

/** /console/admin/enrolment and host revocation: deploying agents and cutting them off. */
export function enrolmentAdminRoutes(deps: ConsoleDeps, options: ConsoleOptions) {
  const app = new Hono<ConsoleEnv>();

  const enrolmentPage = async (
    c: Parameters<typeof csrfField>[0],
    created?: { token: string; role: string | undefined },
  ) => {
    const t = c.var.t;
    const now = deps.clock();
    const tokens = await listEnrolmentTokens(deps.db);
    const known = await fleetFilterValues(deps.db, c.var.scope);
    const hubUrl = (options.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '');
    let commands: Html | string = '';
    if (created) {
      const cmd = installCommands(hubUrl, created.token, created.role);
      const block = (id: string, label: string, text: string) =>
        html`<h3>${label}</h3><pre class="command" id="${id}">${text}</pre><button type="button" data-copy="${id}">${label}</button>`;
      commands = html`<section class="notice" aria-live="polite"><p>${t('tokenCreated')}</p>
        ${block('cmd-linux', t('installLinux'), cmd.linux)}${block('cmd-macos', t('installMacos'), cmd.macos)}
        ${block('cmd-windows', t('installWindows'), cmd.windows)}${block('cmd-windows-cmd', t('installWindowsCmd'), cmd.windowsCmd)}</section>`;
    }
    const w = fleetWords(t.lang);
    // Used up and expired tokens read as such: neither enrols anything any more.
    const state = (row: (typeof tokens)[number]) =>
      row.revoked_at !== null
        ? w('tokenRevoked')
        : Number(row.uses) >= Number(row.max_uses)
          ? w('tokenUsedUp')
          : Number(row.expires_at) <= now
            ? w('tokenExpired')
            : w('tokenActive');
    const live = (row: (typeof tokens)[number]) =>
      row.revoked_at === null && Number(row.uses) < Number(row.max_uses) && Number(row.expires_at) > now;
    return page(
      c,
      t('enrolmentTitle'),
      html`${commands}
      <h2>${t('createToken')}</h2>
      <form method="post" action="${BASE}/admin/enrolment" class="filters">
        ${csrfField(c)}
        <label>${t('client')} <input name="client" required maxlength="256" list="enrol-clients" autocomplete="off" /></label>
        <label>${t('site')} <input name="site" required maxlength="256" list="enrol-sites" autocomplete="off" /></label>
        <datalist id="enrol-clients">${known.clients.map((v) => html`<option value="${v}"></option>`)}</datalist>
        <datalist id="enrol-sites">${known.sites.map((v) => html`<option value="${v}"></option>`)}</datalist>
        <label>${t('role')} <select name="role"><option value="">—</option>${HOST_ROLES.map((r) => html`<option value="${r}">${roleLabel(w, r)}</option>`)}</select></label>
        <label>${t('maxUses')} <input name="maxUses" type="number" min="1" max="100000" value="10" required /></label>
        <label>${t('ttlHours')} <input name="ttlHours" type="number" min="1" max="8784" value="168" required /></label>
        <label>${t('note')} <input name="note" maxlength="1000" /></label>
        <button type="submit">${t('createToken')}</button>
      </form>
      <h2>${t('tokens')}</h2>
      <div class="table-box"><table class="stack"><thead><tr><th scope="col">${t('client')} / ${t('site')}</th><th scope="col">${t('role')}</th><th scope="col">${t('uses')}</th><th scope="col">${t('expires')}</th><th scope="col">${t('state')}</th><th scope="col">${t('note')}</th><th scope="col"></th></tr></thead>
      <tbody>${tokens.map(
        (
          row,
        ) => html`<tr class="${live(row) ? '' : 'row-dead'}"><td data-label="${t('client')} / ${t('site')}" class="wrap">${row.client} / ${row.site}</td><td data-label="${t('role')}">${row.role ? roleLabel(w, row.role) : '—'}</td><td data-label="${t('uses')}">${row.uses} / ${row.max_uses}</td>
          <td data-label="${t('expires')}">${t.dateTime(Number(row.expires_at))}</td><td data-label="${t('state')}"><span class="token-state">${state(row)}</span></td><td data-label="${t('note')}" class="wrap">${row.note}</td>
          <td>${
            live(row)
              ? html`<form method="post" action="${BASE}/admin/enrolment/${encodeURIComponent(row.id)}/revoke">${csrfField(c)}<button type="submit">${t('revoke')}</button></form>`
              : ''
          }</td></tr>`,
      )}</tbody></table></div>`,
    );
  };

  app.get('/enrolment', async (c) => c.html(await enrolmentPage(c)));

  app.post('/enrolment', async (c) => {
    const form = tokenForm.safeParse(await c.req.parseBody());
    if (!form.success) return c.html(await enrolmentPage(c), 400);
    const role = form.data.role ? form.data.role : undefined;
    const created = await createEnrolmentToken(deps, {
      client: form.data.client,
      site: form.data.site,
      role,
      maxUses: form.data.maxUses,
      ttlMs: form.data.ttlHours * HOUR_MS,
      note: form.data.note,
      createdBy: c.var.user?.name,
    });
    // The token is shown in this response only (no redirect: it must not sit in a URL or a log).
    return c.html(await enrolmentPage(c, { token: created.token, role }), 201);
  });

  // Revoking a host's agents asks first, on the server: a POST without `confirm=yes` only shows
  // the question. Its credentials then stop working and a connected agent is closed now.
  const revokePage = (c: Context<ConsoleEnv>, host: HostRow) => {
    const w = fleetWords(c.var.t.lang);
    const hostHref = `${BASE}/hosts/${encodeURIComponent(host.id)}`;
    return page(
      c,
      w('revokeTitle', { host: host.hostname }),
      html`<p class="notice">${w('revokeWarning')}</p>
      <form method="post" action="${BASE}/admin/hosts/${encodeURIComponent(host.id)}/revoke" class="confirm">${csrfField(c)}
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="danger">${w('revokeConfirm')}</button> <a class="button" href="${hostHref}">${w('cancel')}</a></form>`,
    );
  };
  const notFound = (c: Context<ConsoleEnv>) =>
    c.html(page(c, c.var.t('notFoundTitle'), html`<p>${c.var.t('notFoundText')}</p>`), 404);

  app.get('/hosts/:id/revoke', async (c) => {
    const host = await findHost(deps.db, c.req.param('id'));
    return host ? c.html(revokePage(c, host)) : notFound(c);
  });

  app.post('/hosts/:id/revoke', async (c) => {
    const host = await findHost(deps.db, c.req.param('id'));
    if (!host) return notFound(c);
    if (!confirmed.safeParse(await c.req.parseBody()).success) return c.html(revokePage(c, host), 400);
    const revoked = await revokeHostAgents(deps.db, host.id, deps.clock());
    for (const agentId of revoked) options.agentSessions?.get(agentId)?.kick('CREDENTIAL_REVOKED');
    deps.log.info(
      { hostId: host.id, agents: revoked, by: c.var.user?.name },
      'agent credentials revoked (console)',
    );
    return c.redirect(`${BASE}/hosts/${encodeURIComponent(host.id)}?revoked=${revoked.length}`, 303);
  });

  app.post('/enrolment/:id/revoke', async (c) => {
    await revokeEnrolmentToken(deps.db, c.req.param('id'), deps.clock());
    return c.redirect(`${BASE}/admin/enrolment`, 303);
  });

  return app;
}
