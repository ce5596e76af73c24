import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { scopeAllows } from '../../db/client-scope.js';
import { openByHand } from '../../incidents/open-by-hand.js';
import { findHost, listHostPage } from '../../repositories/hosts.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../env.js';
import { allow, TECHNICIANS } from '../security/guards.js';
import { optionalText } from '../views/fields.js';
import { csrfField, type Html, messagePage, page } from '../views/layout.js';

/** Hosts offered by the picker at once; the search narrows 10 000 down to these. */
const PICKER_LIMIT = 50;

const newForm = z.object({
  hostId: optionalText(64),
  client: optionalText(256),
  site: optionalText(256),
  title: z.string().trim().min(1).max(300),
  description: optionalText(10_000),
  severity: z.enum(['warning', 'critical']),
});

async function form(c: Context<ConsoleEnv>, deps: ConsoleDeps, error?: string): Promise<Html> {
  const t = c.var.t;
  const q = (c.req.query('q') ?? '').trim().slice(0, 100);
  const hosts = await listHostPage(deps.db, {
    search: q === '' ? undefined : q,
    scope: c.var.scope,
    limit: PICKER_LIMIT,
  });
  const action = `${BASE}/incidents/new`;
  return page(
    c,
    t('newIncidentTitle'),
    html`${error ? html`<p role="alert" class="error">${error}</p>` : ''}
    <form method="get" action="${action}" class="host-search" role="search">
      <label>${t('newHostFilter')} <input type="search" name="q" value="${q}" maxlength="100" /></label>
      <button type="submit">${t('apply')}</button>
    </form>
    <form method="post" action="${action}" class="new-incident">
      ${csrfField(c)}
      <label>${t('newHost')} (${hosts.total})
        <select name="hostId">
          <option value="">${t('newHostNone')}</option>
          ${hosts.rows.map((h) => html`<option value="${h.id}">${h.hostname} — ${h.client} / ${h.site}</option>`)}
        </select></label>
      <label>${t('newClient')} <input name="client" maxlength="256" /></label>
      <label>${t('newSite')} <input name="site" maxlength="256" /></label>
      <label>${t('newTitle')} <input name="title" required maxlength="300" /></label>
      <label>${t('newSeverity')} <select name="severity">
        <option value="warning">${t('severity_warning')}</option>
        <option value="critical">${t('severity_critical')}</option></select></label>
      <label>${t('newDescription')} <textarea name="description" rows="4" maxlength="10000"></textarea></label>
      <button type="submit">${t('newSubmit')}</button>
    </form>`,
  );
}

/** /console/incidents/new — open a ticket by hand (a user phoned), with a host picker. */
export function newIncidentRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  app.use(allow(...TECHNICIANS));

  app.get('/', async (c) => c.html(await form(c, deps)));

  app.post('/', async (c) => {
    const t = c.var.t;
    const parsed = newForm.safeParse(await c.req.parseBody());
    if (!parsed.success) return c.html(await form(c, deps, t('refused_VALIDATION_FAILED')), 400);
    const input = parsed.data;
    const host = input.hostId ? await findHost(deps.db, input.hostId) : undefined;
    if (input.hostId && (!host || !scopeAllows(c.var.scope, host.client)))
      return c.html(messagePage(c, t('notFoundTitle'), t('notFoundText')), 404);
    const client = host?.client ?? input.client;
    if (!client) return c.html(await form(c, deps, t('newNeedsClient')), 400);
    if (!scopeAllows(c.var.scope, client))
      return c.html(messagePage(c, t('notFoundTitle'), t('notFoundText')), 404);
    const user = c.var.user?.name ?? 'unknown';
    const result = await deps.db.transaction().execute((trx) =>
      openByHand(
        trx,
        deps.incidents,
        {
          client,
          site: host?.site ?? input.site,
          hostId: host?.id,
          title: input.title,
          description: input.description,
          severity: input.severity,
        },
        { user, now: deps.clock() },
      ),
    );
    if (!result.ok) return c.html(messagePage(c, t('notFoundTitle'), t('notFoundText')), 404);
    return c.redirect(`${BASE}/incidents/${encodeURIComponent(result.incident.id)}`, 303);
  });

  return app;
}
