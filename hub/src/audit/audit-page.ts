import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../console/env.js';
import { page } from '../console/views/layout.js';
import { SECURITY_AUDIT_KIND_NAMES, type SecurityAuditKind } from './kinds.js';
import { auditQuery } from './routes.js';
import { listSecurityEvents, type SecurityEvent } from './store.js';

const PAGE_SIZE = 50;

type TokenLabel = { client: string; site: string; note: string };

/** Who or what an event aimed at, in words: a token by its client and site, never its id. */
function subjectText(c: Context<ConsoleEnv>, event: SecurityEvent, tokens: Map<string, TokenLabel>): string {
  const t = c.var.t;
  if (event.subject === null) return '';
  if (event.kind === 'agent.rate-limited' || event.kind === 'agent.protocol-violation')
    return t('auditHost', { hostname: String(event.details.hostname ?? event.subject) });
  if (event.kind === 'enrolment.refused') {
    const token = tokens.get(event.subject);
    if (!token) return '';
    return token.note === ''
      ? t('auditToken', { client: token.client, site: token.site })
      : t('auditTokenNote', { client: token.client, site: token.site, note: token.note });
  }
  return t('auditAccount', { name: event.subject });
}

function detailsText(c: Context<ConsoleEnv>, event: SecurityEvent): string {
  const t = c.var.t;
  const d = event.details;
  if (event.kind === 'enrolment.refused' && typeof d.hostname === 'string')
    return t('auditMachine', { hostname: d.hostname });
  if (
    (event.kind === 'agent.rate-limited' || event.kind === 'agent.protocol-violation') &&
    typeof d.closes === 'number'
  )
    return t('auditCloses', { closes: d.closes, agentId: String(d.agentId ?? '') });
  if (event.kind === 'sign-in.locked' && typeof d.lockSeconds === 'number') {
    const duration =
      d.lockSeconds >= 60
        ? t('auditMinutes', { n: d.lockSeconds / 60 })
        : t('auditSeconds', { n: d.lockSeconds });
    return t('auditLocked', { failures: Number(d.failures), duration, n: Number(d.lockInARow) });
  }
  return '';
}

/** /console/admin/audit: the security audit in the reader's language, newest first, a page at a time. */
export function auditAdminRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  app.get('/', async (c) => {
    const t = c.var.t;
    const parsed = auditQuery.safeParse({ ...c.req.query(), limit: String(PAGE_SIZE) });
    const query = parsed.success ? parsed.data : { kind: undefined, limit: PAGE_SIZE, offset: 0 };
    const kind = query.kind as SecurityAuditKind | undefined;
    const { events, total } = await listSecurityEvents(deps.db, {
      kind,
      limit: PAGE_SIZE,
      offset: query.offset,
    });
    const tokenIds = [
      ...new Set(
        events.filter((e) => e.kind === 'enrolment.refused' && e.subject).map((e) => e.subject as string),
      ),
    ];
    const tokens = new Map<string, TokenLabel>(
      tokenIds.length === 0
        ? []
        : (
            await deps.db
              .selectFrom('enrolment_tokens')
              .select(['id', 'client', 'site', 'note'])
              .where('id', 'in', tokenIds)
              .execute()
          ).map((row) => [row.id, row]),
    );
    const pageHref = (offset: number) => {
      const params = new URLSearchParams({ offset: String(offset) });
      if (kind) params.set('kind', kind);
      return `${BASE}/admin/audit?${params.toString()}`;
    };
    const rows = events.map(
      (e) => html`<tr>
        <td><time datetime="${new Date(e.at).toISOString()}">${t.dateTime(e.at)}</time></td>
        <td>${t(`auditKind_${e.kind}`)}</td>
        <td>${t(`auditReason_${e.reason}`)}</td>
        <td>${e.address ?? ''}</td>
        <td>${subjectText(c, e, tokens)}</td>
        <td>${detailsText(c, e)}</td></tr>`,
    );
    return c.html(
      page(
        c,
        t('auditTitle'),
        html`<p>${t('auditIntro')}</p>
        <form method="get" action="${BASE}/admin/audit" class="filters">
          <label>${t('auditKindFilter')}
            <select name="kind"><option value="">${t('auditAllKinds')}</option>${SECURITY_AUDIT_KIND_NAMES.map(
              (k) =>
                html`<option value="${k}"${k === kind ? html` selected` : ''}>${t(`auditKind_${k}`)}</option>`,
            )}</select></label>
          <button type="submit">${t('auditFilter')}</button>
        </form>
        ${
          events.length === 0
            ? html`<p>${t('auditEmpty')}</p>`
            : html`<p>${t('auditPage', { from: query.offset + 1, to: query.offset + events.length, total })}</p>
        <table><thead><tr><th scope="col">${t('auditWhen')}</th><th scope="col">${t('auditKind')}</th><th scope="col">${t('auditReason')}</th><th scope="col">${t('auditAddress')}</th><th scope="col">${t('auditSubject')}</th><th scope="col">${t('auditDetails')}</th></tr></thead>
        <tbody>${rows}</tbody></table>`
        }
        <p>${query.offset > 0 ? html`<a href="${pageHref(Math.max(0, query.offset - PAGE_SIZE))}">${t('auditNewer')}</a> ` : ''}${
          query.offset + events.length < total
            ? html`<a href="${pageHref(query.offset + PAGE_SIZE)}">${t('auditOlder')}</a>`
            : ''
        }</p>`,
      ),
    );
  });
  return app;
}
