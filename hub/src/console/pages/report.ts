import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { problemTitle } from '../../incidents/text/render.js';
import { toCsv } from '../../inventory/csv.js';
import { ticketsAvoided } from '../../remediation/report.js';
import { listProblems } from '../../repositories/problems.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../env.js';
import type { Translate } from '../i18n/i18n.js';
import {
  type N0Avoided,
  reportIncidents,
  type ServerAvailability,
  type ServiceReport,
  serverAvailability,
  serviceReport,
  ticketsAvoidedByN0,
} from '../report/service-report.js';
import { optionalText, queryOf } from '../views/fields.js';
import { durationIn } from '../views/format.js';
import { type Html, page } from '../views/layout.js';

const DAY_MS = 86_400_000;
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .optional()
  .transform((v) => (v ? Date.parse(`${v}T00:00:00Z`) : undefined));
const reportQuery = z.object({
  client: optionalText(),
  from: day,
  to: day,
  format: z.enum(['csv']).optional(),
});

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function countTable(t: Translate, title: string, rows: ReadonlyArray<[string, number]>, total: number): Html {
  return html`<table class="report"><caption>${title}</caption>
    <thead><tr><th scope="col">${title}</th><th scope="col">${t('count')}</th><th scope="col"></th></tr></thead>
    <tbody>${rows.map(
      ([key, n]) =>
        html`<tr><th scope="row">${key}</th><td>${n}</td><td><meter min="0" max="${Math.max(total, 1)}" value="${n}">${n}</meter></td></tr>`,
    )}</tbody></table>`;
}

function csvOf(
  report: ServiceReport,
  servers: readonly ServerAvailability[],
  avoided: readonly N0Avoided[],
): string {
  const rows: Array<[string, string, string | number | null]> = [
    ['total', '', report.total],
    ...report.byPriority.map(([k, n]) => ['priority', k, n] as [string, string, number]),
    ...report.byLevel.map(([k, n]) => ['level', k, n] as [string, string, number]),
    ...report.byCheck.map(([k, n]) => ['kind', k, n] as [string, string, number]),
    ['time_to_acknowledge_ms', 'median', report.toAcknowledge.medianMs],
    ['time_to_acknowledge_ms', 'p90', report.toAcknowledge.p90Ms],
    ['time_to_resolve_ms', 'median', report.toResolve.medianMs],
    ['time_to_resolve_ms', 'p90', report.toResolve.p90Ms],
    ['sla_own_met_pct', '', report.slaOwnMetPct],
    ['sla_resolve_met_pct', '', report.slaResolveMetPct],
    ...servers.map((s) => ['availability_pct', s.hostname, s.availabilityPct] as [string, string, number]),
    ...avoided.map((a) => ['n0_avoided', `${a.client}/${a.check}`, a.count] as [string, string, number]),
    ...avoided.map(
      (a) => ['n0_saved_ms', `${a.client}/${a.check}`, a.savedMs] as [string, string, number | null],
    ),
  ];
  return toCsv(['metric', 'key', 'value'], rows);
}

/** Tickets N0 avoided per client and kind, with the time saved (decision 0029). */
function n0Table(t: Translate, avoided: readonly N0Avoided[], span: (ms: number | null) => string): Html {
  if (avoided.length === 0) return html`<p>${t('remAvoidedNone')}</p>`;
  return html`<table class="report"><caption>${t('remAvoided')}</caption>
    <thead><tr><th scope="col">${t('remClient')}</th><th scope="col">${t('remKind')}</th><th scope="col">${t('remCount')}</th>
      <th scope="col"><abbr title="${t('remSavedHint')}">${t('remSaved')}</abbr></th></tr></thead>
    <tbody>${avoided.map(
      (a) =>
        html`<tr><th scope="row">${a.client}</th><td><code>${a.check}</code></td><td>${a.count}</td><td>${span(a.savedMs)}</td></tr>`,
    )}</tbody></table>`;
}

/** /console/admin/report: the figures of a client's service review, as a printable page or CSV. */
export function reportRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  app.get('/', async (c) => {
    const t = c.var.t;
    const parsed = reportQuery.safeParse(queryOf(c.req.url));
    const query = parsed.success
      ? parsed.data
      : { client: undefined, from: undefined, to: undefined, format: undefined };
    const to = query.to ?? Date.parse(`${isoDay(deps.clock() + DAY_MS)}T00:00:00Z`);
    const from = query.from ?? to - 30 * DAY_MS;
    const incidents = await reportIncidents(deps.db, { client: query.client, from, to });
    const report = serviceReport(incidents);
    const avoided = ticketsAvoidedByN0(
      await ticketsAvoided(deps.db, { client: query.client, from, to }),
      incidents,
    );
    const servers = await serverAvailability(deps.db, { client: query.client, from, to });
    if (query.format === 'csv') {
      return c.body(csvOf(report, servers, avoided), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="vigie-report-${isoDay(from)}-${isoDay(to)}.csv"`,
      });
    }
    const problems = (
      await listProblems(deps.db, { state: 'open', ...(query.client ? { client: query.client } : {}) })
    ).slice(0, 20);
    const params = new URLSearchParams({
      ...(query.client ? { client: query.client } : {}),
      from: isoDay(from),
      to: isoDay(to),
    });
    const span = (ms: number | null) => (ms === null ? '—' : durationIn(t, ms));
    const pct = (v: number | null) => (v === null ? '—' : `${v} %`);
    return c.html(
      page(
        c,
        `${t('reportTitle')} — ${query.client ?? t('allClients')}`,
        html`<form method="get" action="${BASE}/admin/report" class="filters">
          <label>${t('client')} <input name="client" value="${query.client ?? ''}" maxlength="256" /></label>
          <label>${t('periodFrom')} <input type="date" name="from" value="${isoDay(from)}" /></label>
          <label>${t('periodTo')} <input type="date" name="to" value="${isoDay(to)}" /></label>
          <button type="submit">${t('show')}</button>
          <a href="${BASE}/admin/report?${params.toString()}&amp;format=csv" download>${t('exportCsv')}</a>
        </form>
        <p>${t('reportTotal', { n: report.total })}</p>
        <table class="report"><caption>${t('timeToAck')} / ${t('timeToResolve')}</caption>
          <thead><tr><th scope="col"></th><th scope="col">${t('median')}</th><th scope="col">${t('p90')}</th><th scope="col">${t('measured')}</th></tr></thead>
          <tbody>
            <tr><th scope="row">${t('timeToAck')}</th><td>${span(report.toAcknowledge.medianMs)}</td><td>${span(report.toAcknowledge.p90Ms)}</td><td>${report.toAcknowledge.count}</td></tr>
            <tr><th scope="row">${t('timeToResolve')}</th><td>${span(report.toResolve.medianMs)}</td><td>${span(report.toResolve.p90Ms)}</td><td>${report.toResolve.count}</td></tr>
          </tbody></table>
        <table class="report"><caption>${t('slaCompliance')}</caption><tbody>
          <tr><th scope="row">${t('slaOwn')}</th><td>${pct(report.slaOwnMetPct)}</td></tr>
          <tr><th scope="row">${t('slaResolve')}</th><td>${pct(report.slaResolveMetPct)}</td></tr>
        </tbody></table>
        <table class="report"><caption>${t('serverAvailability')}</caption>
          <thead><tr><th scope="col">${t('host')}</th><th scope="col">${t('availability')}</th><th scope="col">${t('downtime')}</th></tr></thead>
          <tbody>${
            servers.length
              ? servers.map(
                  (
                    s,
                  ) => html`<tr><th scope="row"><a href="${BASE}/hosts/${encodeURIComponent(s.hostId)}">${s.hostname}</a></th>
                  <td><meter min="0" max="100" low="99" optimum="100" value="${s.availabilityPct}"></meter> ${s.availabilityPct} %</td><td>${span(s.downMs)}</td></tr>`,
                )
              : html`<tr><td colspan="3">${t('none')}</td></tr>`
          }</tbody></table>
        ${n0Table(t, avoided, span)}
        ${countTable(t, t('byPriority'), report.byPriority, report.total)}
        ${countTable(t, t('byLevel'), report.byLevel, report.total)}
        ${countTable(t, t('byKind'), report.byCheck, report.total)}
        ${countTable(t, t('topFaults'), report.topFaults, report.total)}
        <h2>${t('openProblems')}</h2>
        ${
          problems.length
            ? html`<ul>${problems.map((p) => html`<li>${problemTitle(p, t.lang)} (${p.incident_count}) — ${p.client}</li>`)}</ul>`
            : html`<p>${t('none')}</p>`
        }`,
      ),
    );
  });
  return app;
}
