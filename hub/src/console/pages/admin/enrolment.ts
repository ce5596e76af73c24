import { HOST_ROLES } from '@vigie/shared';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { installCommands } from '../../../artefacts/install-commands.js';
import { createEnrolmentToken } from '../../../enrolment/create-enrolment-token.js';
import { revokeHostAgents } from '../../../repositories/agents.js';
import { listEnrolmentTokens, revokeEnrolmentToken } from '../../../repositories/enrolment-tokens.js';
import { findHost } from '../../../repositories/hosts.js';
import { BASE, type ConsoleDeps, type ConsoleEnv, type ConsoleOptions } from '../../env.js';
import { optionalText } from '../../views/fields.js';
import { csrfField, type Html, page } from '../../views/layout.js';

const HOUR_MS = 3_600_000;

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

  return app;
}
