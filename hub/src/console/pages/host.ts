import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { scopeAllows } from '../../db/client-scope.js';
import { isHostRevoked } from '../../hosts/fleet-query.js';
import { withGaps } from '../../hosts/series-gaps.js';
import { listHostIncidents } from '../../hosts/store.js';
import { incidentTitle } from '../../incidents/text/render.js';
import { snapshotView } from '../../inventory/snapshot-view.js';
import { findHost, type HostRow } from '../../repositories/hosts.js';
import { findInventory } from '../../repositories/inventories.js';
import { readBucketedSeries } from '../../repositories/samples.js';
import { findWarranty } from '../../repositories/warranties.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../env.js';
import { type FleetWords, fleetWords } from '../i18n/fleet.js';
import type { Translate } from '../i18n/i18n.js';
import { optionalText, queryOf } from '../views/fields.js';
import { priorityBadge, stateLabel } from '../views/format.js';
import { type Html, messagePage, page } from '../views/layout.js';
import { chart } from './charts.js';
import { factsTable, healthValue, seenText } from './fleet-format.js';
import { antivirusSection, softwareSection, updatesSection, warrantySection } from './host-sections.js';

/** Most points a chart draws (about one per pixel column); a month of samples is bucketed to it. */
const MAX_CHART_POINTS = 720;
const EMPTY_POINT = { cpuPct: null, memPct: null, swapPct: null, diskMaxPct: null, load1: null };
const RANGES = { hour: 3_600_000, day: 86_400_000, month: 30 * 86_400_000 } as const;
const RANGE_LABEL = { hour: 'rangeHour', day: 'rangeDay', month: 'rangeMonth' } as const;

const seriesQuery = z.object({
  from: z.coerce.number().int().min(0),
  to: z.coerce.number().int().min(0),
});
const hostQuery = z.object({
  range: z.enum(['hour', 'day', 'month']).catch('hour'),
  sw: optionalText().catch(undefined),
  swpage: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/** Online, offline or revoked, in words and a symbol (colour is never the only signal). */
export function hostStatus(
  t: Translate,
  w: FleetWords,
  host: Pick<HostRow, 'connected'>,
  revoked: boolean,
): Html {
  if (revoked) return html`<span class="status revoked">⊘ ${w('fleetRevoked')}</span>`;
  return host.connected === 1
    ? html`<span class="status online">● ${t('online')}</span>`
    : html`<span class="status offline">○ ${t('offline')}</span>`;
}

export function roleLabel(w: FleetWords, role: string): string {
  return role === 'server' ? w('role_server') : role === 'workstation' ? w('role_workstation') : role;
}

/** /console/hosts/:id — one host: state, tags, health, charts, updates, antivirus, warranty, inventory, software. */
export function hostPageRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  // A host of a client outside the user's scope does not exist for them.
  const visibleHost = async (c: Context<ConsoleEnv>) => {
    const host = await findHost(deps.db, c.req.param('id') ?? '');
    return host && scopeAllows(c.var.scope, host.client) ? host : undefined;
  };

  app.get('/:id/series', async (c) => {
    const parsed = seriesQuery.safeParse(queryOf(c.req.url));
    const host = await visibleHost(c);
    if (!host || !parsed.success || parsed.data.from > parsed.data.to) return c.json({ points: [] }, 404);
    // Raw samples when they still cover the range, else the roll-up tier that does (retention).
    const { stepMs, points } = await readBucketedSeries(deps.db, host.id, parsed.data, MAX_CHART_POINTS);
    // Null points where reports stopped: the chart breaks its line there (issue 17).
    return c.json({ stepMs, points: withGaps(points, stepMs, (at) => ({ ...EMPTY_POINT, at })) });
  });

  app.get('/:id', async (c) => {
    const t = c.var.t;
    const w = fleetWords(t.lang);
    const host = await visibleHost(c);
    if (!host) return c.html(messagePage(c, t('notFoundTitle'), t('notFoundText')), 404);
    const query = hostQuery.parse(queryOf(c.req.url));
    const range = query.range;
    const now = deps.clock();
    const stored = await findInventory(deps.db, host.id);
    const inventory = stored
      ? snapshotView(JSON.parse(stored.payload) as Record<string, unknown>)
      : undefined;
    const incidents = await listHostIncidents(deps.db, host.id, 50);
    const revoked = await isHostRevoked(deps.db, host.id);
    const warranty = await findWarranty(deps.db, host.id);
    const tags = JSON.parse(host.tags) as string[];
    const base = `${BASE}/hosts/${encodeURIComponent(host.id)}`;
    const justRevoked = c.req.query('revoked');
    const seen = seenText(w, host.last_seen_at, now);
    const chartOf = (series: string[], label: string) =>
      chart(t, {
        refreshSec: range === 'hour' ? 15 : undefined,
        hostId: host.id,
        from: now - RANGES[range],
        to: now,
        series,
        label,
      });
    const body = html`
      ${justRevoked ? html`<p role="status" class="notice">${t('agentsRevoked', { n: Number(justRevoked) || 0 })}</p>` : ''}
      ${revoked ? html`<p class="notice revoked-note">${w('hostRevokedNote')}</p>` : ''}
      ${
        c.var.user?.role === 'admin'
          ? html`<p class="host-actions">${revoked ? '' : html`<a class="button danger" href="${BASE}/admin/hosts/${encodeURIComponent(host.id)}/revoke">${t('revokeAgent')}</a>`}
            <a class="button" href="${BASE}/admin/policies/effective?host=${encodeURIComponent(host.id)}">${t('policyEffective')}</a></p>`
          : ''
      }
      <dl class="facts">
        <dt>${t('state')}</dt><dd>${hostStatus(t, w, host, revoked)} <small>${w('hostLastSeen')} : ${seen}</small></dd>
        <dt>${t('client')} / ${t('site')}</dt><dd>${host.client} / ${host.site}</dd>
        <dt>${t('role')}</dt><dd>${roleLabel(w, host.role)}</dd>
        <dt>${w('hostTags')}</dt><dd>${tags.length ? tags.map((tag) => html`<span class="tag">${tag}</span> `) : w('hostNoTags')}</dd>
        <dt>${t('os')}</dt><dd>${host.os_distro} ${host.os_release} (${host.os_kernel}, ${host.os_arch})</dd>
        <dt>${t('agentVersion')}</dt><dd>${host.agent_version}</dd>
        <dt>${t('health')}</dt><dd>${t('cpu')} ${healthValue(w, host.cpu_pct)} · ${t('memory')} ${healthValue(w, host.mem_pct)} · ${t('disk')} ${healthValue(w, host.disk_max_pct)}</dd>
      </dl>
      <section aria-labelledby="charts-title"><h2 id="charts-title">${t('hostCharts')}</h2>
        <p class="ranges">${(Object.keys(RANGES) as Array<keyof typeof RANGES>).map(
          (r) =>
            html`<a href="${base}?range=${r}"${r === range ? html` aria-current="true"` : ''}>${t(RANGE_LABEL[r])}</a> `,
        )}</p>
        ${chartOf(['cpuPct', 'memPct', 'diskMaxPct'], `${host.hostname} — ${t(RANGE_LABEL[range])}`)}
        ${chartOf(['load1'], `${t('load')} — ${t(RANGE_LABEL[range])}`)}
      </section>
      <div class="host-panels">
        ${updatesSection(w, inventory?.updates)}
        ${antivirusSection(t, w, inventory?.antivirus)}
        ${warrantySection(t, w, warranty, now)}
      </div>
      <section aria-labelledby="incidents-title"><h2 id="incidents-title">${t('incidentHistory')}</h2>
        ${
          incidents.length
            ? html`<ul class="history">${incidents.map(
                (
                  i,
                ) => html`<li>${priorityBadge(t, i.priority)} <a href="${BASE}/incidents/${encodeURIComponent(i.id)}">${incidentTitle(i, t.lang)}</a>
                — ${stateLabel(t, i.state)}, ${i.level}, ${t.dateTime(Number(i.opened_at))}</li>`,
              )}</ul>`
            : html`<p>${t('none')}</p>`
        }
      </section>
      <section aria-labelledby="inventory-title"><h2 id="inventory-title">${t('inventory')}</h2>
        ${
          inventory
            ? html`<div class="host-panels">${factsTable(t, w, t('hardware'), inventory.hardware)}${factsTable(t, w, t('os'), inventory.os)}${factsTable(t, w, t('cpu'), inventory.cpu)}
            ${inventory.disks.map((d, i) => factsTable(t, w, `${t('disk')} ${i + 1}`, d))}</div>`
            : html`<p>${t('noInventory')}</p>`
        }
      </section>
      ${softwareSection(t, w, inventory?.software ?? [], { search: query.sw, page: query.swpage }, (params) => `${base}?${new URLSearchParams(params).toString()}`)}`;
    return c.html(page(c, host.hostname, body));
  });

  return app;
}
