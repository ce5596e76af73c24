import { INCIDENT_STATES, type SupportLevel } from '@vigie/shared';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { scopeAllows } from '../../db/client-scope.js';
import type { TechnicianAction } from '../../incidents/engine/actions.js';
import { listChildrenOf, listQueue, QUEUE_SORTS, unpagedEscalations } from '../../incidents/queue-store.js';
import { incidentSlaView } from '../../incidents/sla/incident-sla-view.js';
import { applyTechnicianAction } from '../../incidents/technician-actions.js';
import { listCalendars } from '../../repositories/business-calendars.js';
import { findIncident } from '../../repositories/incidents.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../env.js';
import { allow, TECHNICIANS } from '../security/guards.js';
import { optionalText, queryOf } from '../views/fields.js';
import { csrfField, messagePage, page } from '../views/layout.js';
import { bulkBar, bulkNotice, filterForm, queueRow, unpagedBanner } from './queue-parts.js';

const QUEUES = ['N1', 'N2', 'N3', 'mine'] as const;
const QUEUE_LIMIT = 200;
const BULK_LIMIT = 100;

const filterQuery = z.object({
  client: optionalText(),
  site: optionalText(),
  host: optionalText(),
  priority: z
    .enum(['', '1', '2', '3', '4', '5', '6'])
    .optional()
    .transform((v) => (v ? (Number(v) as 1 | 2 | 3 | 4 | 5 | 6) : undefined)),
  state: z
    .enum(['', ...INCIDENT_STATES, 'recovering'])
    .optional()
    .transform((v) => (v ? v : undefined)),
  sort: z.enum(QUEUE_SORTS).optional(),
  bulk: z.string().max(20).optional(),
  fragment: z.enum(['rows']).optional(),
});

const bulkForm = z.object({
  action: z.enum(['acknowledge', 'assign', 'resolve']),
  id: z.union([z.string().max(64), z.array(z.string().max(64)).max(BULK_LIMIT)]).optional(),
  assignee: optionalText(256),
  back: z
    .string()
    .max(2000)
    .refine((v) => v.startsWith(`${BASE}/queue/`) && !v.includes('//'))
    .optional(),
});

/** /console/queue/:level — N1, N2, N3 and "mine", live. `?fragment=rows` is what the live script fetches. */
export function queueRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();

  // Several tickets at once: each is its own action in its own transaction, as if done one by one.
  app.post('/bulk', allow(...TECHNICIANS), async (c) => {
    const t = c.var.t;
    const form = bulkForm.safeParse(await c.req.parseBody({ all: true }));
    if (!form.success) return c.html(messagePage(c, t('badRequestTitle'), t('notFoundText')), 400);
    const { action: kind, assignee, back } = form.data;
    const ids = form.data.id === undefined ? [] : [form.data.id].flat();
    const user = c.var.user?.name ?? 'unknown';
    let [ok, refused] = [0, 0];
    for (const id of new Set(ids)) {
      const target = await findIncident(deps.db, id);
      const action: TechnicianAction | undefined =
        kind === 'assign' ? (assignee ? { kind, assignee } : undefined) : { kind };
      if (!action || !target || !scopeAllows(c.var.scope, target.client)) {
        refused += 1;
        continue;
      }
      const result = await deps.db
        .transaction()
        .execute((trx) =>
          applyTechnicianAction(trx, deps.incidents, id, action, { user, now: deps.clock() }),
        );
      if (result.ok) ok += 1;
      else refused += 1;
    }
    const url = new URL(back ?? `${BASE}/queue/N1`, 'http://console');
    url.searchParams.set('bulk', `${ok}-${refused}`);
    return c.redirect(`${url.pathname}${url.search}`, 303);
  });

  app.get('/:queue', async (c) => {
    const t = c.var.t;
    const queue = c.req.param('queue');
    const parsed = filterQuery.safeParse(queryOf(c.req.url));
    if (!(QUEUES as readonly string[]).includes(queue) || !parsed.success)
      return c.html(messagePage(c, t('notFoundTitle'), t('notFoundText')), 404);
    const filter = parsed.data;
    const rows = await listQueue(deps.db, {
      ...(queue === 'mine' ? { assignee: c.var.user?.name } : { level: queue as SupportLevel }),
      client: filter.client,
      site: filter.site,
      host: filter.host,
      priority: filter.priority,
      state: filter.state,
      sort: filter.sort,
      scope: c.var.scope,
      limit: QUEUE_LIMIT,
    });
    const children = await listChildrenOf(
      deps.db,
      rows.filter((r) => r.children > 0).map((r) => r.id),
    );
    const calendars = await listCalendars(deps.db);
    const now = deps.clock();
    const role = c.var.user?.role ?? 'readonly';
    const technician = role === 'admin' || TECHNICIANS.includes(role);
    const columns = technician ? 8 : 7;
    const body = rows.length
      ? rows.map((r) =>
          queueRow(t, r, children.get(r.id) ?? [], incidentSlaView(r, calendars, now), now, technician),
        )
      : html`<tr><td colspan="${columns}">${t('noIncidents')}</td></tr>`;
    if (filter.fragment === 'rows') return c.html(html`${body}`);
    const title = queue === 'mine' ? t('queueMineTitle') : t('queueTitle', { level: queue });
    const action = `${BASE}/queue/${queue}`;
    const here = new URL(c.req.url);
    here.searchParams.delete('bulk');
    const unpaged = await unpagedEscalations(deps.db, c.var.scope);
    return c.html(
      page(
        c,
        title,
        html`${unpagedBanner(t, unpaged, role === 'admin')}${bulkNotice(t, filter.bulk)}
        <div class="queue-tools">
          ${technician ? html`<a class="button" href="${BASE}/incidents/new">${t('newIncident')}</a>` : ''}
          <p class="live" data-live-status>${t('liveOn')}</p>
        </div>
        ${filterForm(t, action, filter)}
        ${technician ? bulkBar(t, csrfField(c), `${here.pathname}${here.search}`, c.var.user?.name ?? '') : ''}
        <table class="queue">
          <caption class="visually-hidden">${title}</caption>
          <thead><tr>
            ${technician ? html`<th scope="col" class="pick"><span class="visually-hidden">${t('selectAll')}</span></th>` : ''}
            <th scope="col">${t('colPriority')}</th><th scope="col">${t('colIncident')}</th>
            <th scope="col">${t('colHost')}</th><th scope="col">${t('colSince')}</th>
            <th scope="col">${t('colState')}</th><th scope="col">${t('colSla')}</th>
            <th scope="col">${t('colAssignee')}</th>
          </tr></thead>
          <tbody id="queue-rows" data-live-fragment="rows" aria-live="polite">${body}</tbody>
        </table>`,
      ),
    );
  });

  return app;
}
