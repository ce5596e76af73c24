import { HOST_ROLES } from '@vigie/shared';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { installCommands } from '../../artefacts/install-commands.js';
import { USER_ROLES } from '../../db/tables/users.js';
import { createEnrolmentToken } from '../../enrolment/create-enrolment-token.js';
import { licenceCompliance } from '../../licences/compliance.js';
import { revokeHostAgents } from '../../repositories/agents.js';
import { listEnrolmentTokens, revokeEnrolmentToken } from '../../repositories/enrolment-tokens.js';
import { findHost } from '../../repositories/hosts.js';
import { searchSoftware } from '../../repositories/inventory-software.js';
import { listLicences } from '../../repositories/licences.js';
import { listWarranties } from '../../repositories/warranties.js';
import { BASE, type ConsoleDeps, type ConsoleEnv, type ConsoleOptions } from '../env.js';
import { createConsoleUser, listUsers, updateUserAccess } from '../security/accounts.js';
import { optionalText, queryOf } from '../views/fields.js';
import { csrfField, type Html, page } from '../views/layout.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const SOFTWARE_ROWS = 500;

const inventoryQuery = z.object({ name: optionalText(), client: optionalText() });
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
const userForm = z.object({
  name: z.string().trim().min(1).max(256),
  role: z.enum(USER_ROLES),
  password: z.string().max(1024),
});
const accessForm = z.object({ role: z.enum(USER_ROLES).optional(), disabled: z.enum(['0', '1']).optional() });

/** /console/admin/*: admin-only pages (the console app puts allow() in front of all of them). */
export function adminRoutes(deps: ConsoleDeps, options: ConsoleOptions) {
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

  const enrolmentPage = async (
    c: Parameters<typeof csrfField>[0],
    created?: { token: string; role: string | undefined },
  ) => {
    const t = c.var.t;
    const now = deps.clock();
    const tokens = await listEnrolmentTokens(deps.db);
    const hubUrl = (options.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '');
    let commands: Html | string = '';
    if (created) {
      const cmd = installCommands(hubUrl, created.token, created.role);
      const block = (id: string, label: string, text: string) =>
        html`<h3>${label}</h3><pre class="command" id="${id}">${text}</pre><button type="button" data-copy="${id}">⧉ ${label}</button>`;
      commands = html`<section class="notice" aria-live="polite"><p>${t('tokenCreated')}</p>
        ${block('cmd-linux', t('installLinux'), cmd.linux)}${block('cmd-macos', t('installMacos'), cmd.macos)}
        ${block('cmd-windows', t('installWindows'), cmd.windows)}${block('cmd-windows-cmd', t('installWindowsCmd'), cmd.windowsCmd)}</section>`;
    }
    const state = (row: (typeof tokens)[number]) =>
      row.revoked_at !== null ? t('revoked') : Number(row.expires_at) <= now ? t('expired') : t('active');
    return page(
      c,
      t('enrolmentTitle'),
      html`${commands}
      <h2>${t('createToken')}</h2>
      <form method="post" action="${BASE}/admin/enrolment" class="filters">
        ${csrfField(c)}
        <label>${t('client')} <input name="client" required maxlength="256" value="default" /></label>
        <label>${t('site')} <input name="site" required maxlength="256" value="default" /></label>
        <label>${t('role')} <select name="role"><option value="">—</option>${HOST_ROLES.map((r) => html`<option value="${r}">${r}</option>`)}</select></label>
        <label>${t('maxUses')} <input name="maxUses" type="number" min="1" max="100000" value="10" required /></label>
        <label>${t('ttlHours')} <input name="ttlHours" type="number" min="1" max="8784" value="168" required /></label>
        <label>${t('note')} <input name="note" maxlength="1000" /></label>
        <button type="submit">${t('createToken')}</button>
      </form>
      <h2>${t('tokens')}</h2>
      <table><thead><tr><th scope="col">${t('client')} / ${t('site')}</th><th scope="col">${t('role')}</th><th scope="col">${t('uses')}</th><th scope="col">${t('expires')}</th><th scope="col">${t('state')}</th><th scope="col">${t('note')}</th><th scope="col"></th></tr></thead>
      <tbody>${tokens.map(
        (
          row,
        ) => html`<tr><td>${row.client} / ${row.site}</td><td>${row.role ?? '—'}</td><td>${row.uses} / ${row.max_uses}</td>
          <td>${t.dateTime(Number(row.expires_at))}</td><td>${state(row)}</td><td>${row.note}</td>
          <td>${
            row.revoked_at === null
              ? html`<form method="post" action="${BASE}/admin/enrolment/${encodeURIComponent(row.id)}/revoke">${csrfField(c)}<button type="submit">${t('revoke')}</button></form>`
              : ''
          }</td></tr>`,
      )}</tbody></table>`,
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

  // Revoking a host's agents: their credentials stop working and a connected one is closed now.
  app.post('/hosts/:id/revoke', async (c) => {
    const host = await findHost(deps.db, c.req.param('id'));
    if (!host) return c.html(page(c, c.var.t('notFoundTitle'), html`<p>${c.var.t('notFoundText')}</p>`), 404);
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

  const usersPage = async (c: Parameters<typeof csrfField>[0], error?: string) => {
    const t = c.var.t;
    const users = await listUsers(deps.db);
    const roleSelect = (current: string) =>
      html`<select name="role" aria-label="${t('role')}">${USER_ROLES.map((r) => html`<option value="${r}"${r === current ? html` selected` : ''}>${t(`role_${r}`)}</option>`)}</select>`;
    return page(
      c,
      t('usersTitle'),
      html`${error ? html`<p role="alert" class="error">${error}</p>` : ''}
      <table><thead><tr><th scope="col">${t('username')}</th><th scope="col">${t('role')}</th><th scope="col">${t('state')}</th><th scope="col"></th></tr></thead>
      <tbody>${users.map(
        (u) => html`<tr><td>${u.name}</td>
          <td><form method="post" action="${BASE}/admin/users/${encodeURIComponent(u.id)}">${csrfField(c)}${roleSelect(u.role)} <button type="submit">${t('save')}</button></form></td>
          <td>${u.disabled_at === null ? t('active') : t('disabled')}</td>
          <td><form method="post" action="${BASE}/admin/users/${encodeURIComponent(u.id)}">${csrfField(c)}
            <input type="hidden" name="disabled" value="${u.disabled_at === null ? '1' : '0'}" />
            <button type="submit">${u.disabled_at === null ? t('disable') : t('enable')}</button></form></td></tr>`,
      )}</tbody></table>
      <h2>${t('createUser')}</h2>
      <form method="post" action="${BASE}/admin/users/new" class="filters">
        ${csrfField(c)}
        <label>${t('username')} <input name="name" required maxlength="256" autocomplete="off" /></label>
        <label>${t('role')} ${roleSelect('n1')}</label>
        <label>${t('password')} <input name="password" type="password" required minlength="10" maxlength="256" autocomplete="new-password" /></label>
        <button type="submit">${t('createUser')}</button>
      </form>`,
    );
  };

  app.get('/users', async (c) => c.html(await usersPage(c)));

  app.post('/users/new', async (c) => {
    const t = c.var.t;
    const form = userForm.safeParse(await c.req.parseBody());
    if (!form.success) return c.html(await usersPage(c, t('badRequestTitle')), 400);
    const result = await createConsoleUser(deps, form.data);
    if (!result.ok) {
      const message =
        result.code === 'USER_EXISTS'
          ? t('userExists')
          : result.code === 'PASSWORD_TOO_LONG'
            ? t('passwordTooLong')
            : t('passwordTooShort');
      return c.html(await usersPage(c, message), 400);
    }
    deps.log.info(
      { user: form.data.name, role: form.data.role, by: c.var.user?.name },
      'console user created',
    );
    return c.redirect(`${BASE}/admin/users`, 303);
  });

  app.post('/users/:id', async (c) => {
    const form = accessForm.safeParse(await c.req.parseBody());
    if (!form.success) return c.html(await usersPage(c, c.var.t('badRequestTitle')), 400);
    const disabled = form.data.disabled;
    await updateUserAccess(deps.db, c.req.param('id'), {
      ...(form.data.role ? { role: form.data.role } : {}),
      ...(disabled === undefined ? {} : { disabledAt: disabled === '1' ? deps.clock() : null }),
    });
    deps.log.info(
      { userId: c.req.param('id'), change: form.data, by: c.var.user?.name },
      'console user changed',
    );
    return c.redirect(`${BASE}/admin/users`, 303);
  });

  return app;
}
