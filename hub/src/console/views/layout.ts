import type { Context } from 'hono';
import { html } from 'hono/html';
import { BASE, type ConsoleEnv } from '../env.js';
import type { Lang } from '../i18n/i18n.js';

/** The zone dates are written in when the reader has none: the hub's own. */
const HUB_TIME_ZONE = new Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A fragment of escaped HTML: every `${value}` in `html` is escaped unless it is itself a fragment. */
export type Html = ReturnType<typeof html>;

/** The hidden field every state-changing form carries. */
export function csrfField(c: Context<ConsoleEnv>): Html {
  return html`<input type="hidden" name="_csrf" value="${c.var.user?.csrf ?? ''}" />`;
}

/** The current URL with `lang` set, other query parameters kept. */
function langHref(c: Context<ConsoleEnv>, lang: Lang): string {
  const url = new URL(c.req.url);
  url.searchParams.set('lang', lang);
  return `${url.pathname}?${url.searchParams.toString()}`;
}

function nav(c: Context<ConsoleEnv>): Html {
  const t = c.var.t;
  const user = c.var.user;
  if (!user) return html``;
  const path = new URL(c.req.url).pathname;
  const link = (href: string, label: string) =>
    html`<a href="${href}"${path === href ? html` aria-current="page"` : ''}>${label}</a>`;
  const admin =
    user.role === 'admin'
      ? html`<li>${t('navAdmin')} :
          ${link(`${BASE}/admin/inventory`, t('navInventory'))}
          ${link(`${BASE}/admin/licences`, t('navLicences'))}
          ${link(`${BASE}/admin/warranties`, t('navWarranties'))}
          ${link(`${BASE}/admin/enrolment`, t('navEnrolment'))}
          ${link(`${BASE}/admin/users`, t('navUsers'))}
          ${link(`${BASE}/admin/policies`, t('navPolicies'))}
          ${link(`${BASE}/admin/settings`, t('navSettings'))}
          ${link(`${BASE}/admin/probes`, t('navProbes'))}
          ${link(`${BASE}/admin/report`, t('navReport'))}
          ${link(`${BASE}/admin/audit`, t('navAudit'))}</li>`
      : '';
  // Queues and fleet stay in sight (an N3 on call opens the console for them); the rest folds
  // into a menu that console.js closes on a phone and that stays open on a desktop.
  return html`<nav aria-label="${t('navMain')}">
    <ul>
      <li class="queues"><span class="nav-label">${t('navQueues')} :</span>
        ${link(`${BASE}/queue/N1`, t('queueN1'))}
        ${link(`${BASE}/queue/N2`, t('queueN2'))}
        ${link(`${BASE}/queue/N3`, t('queueN3'))}
        ${link(`${BASE}/queue/mine`, t('queueMine'))}</li>
      <li>${link(`${BASE}/hosts`, t('navFleet'))}</li>
    </ul>
  </nav>
  <details class="menu" open data-menu>
    <summary>${t('navMenu')}</summary>
    <div class="menu-body">
      ${admin ? html`<nav aria-label="${t('navAdmin')}"><ul class="admin-links">${admin}</ul></nav>` : ''}
      <p>${link(`${BASE}/preferences`, t('navPreferences'))}</p>
      <form method="post" action="${BASE}/sign-out" class="sign-out">
        ${csrfField(c)}
        <span>${t('signedInAs')} <strong>${user.name}</strong> (${t(`role_${user.role}`)})</span>
        <button type="submit">${t('signOut')}</button>
      </form>
      ${langLinks(c)}
    </div>
  </details>`;
}

function langLinks(c: Context<ConsoleEnv>): Html {
  const t = c.var.t;
  return html`<p class="lang">${t('language')} :
    <a href="${langHref(c, 'fr')}" lang="fr" hreflang="fr"${t.lang === 'fr' ? html` aria-current="true"` : ''}>${t('langFr')}</a>
    <a href="${langHref(c, 'en')}" lang="en" hreflang="en"${t.lang === 'en' ? html` aria-current="true"` : ''}>${t('langEn')}</a>
  </p>`;
}

/** A whole page: header with navigation and language switch, then `body` in <main>. */
export function page(c: Context<ConsoleEnv>, title: string, body: Html | string): Html {
  const t = c.var.t;
  return html`<!doctype html>
<html lang="${t.lang}">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>${title} · ${t('appName')}</title>
<link rel="icon" href="${BASE}/static/favicon.svg" type="image/svg+xml" />
<link rel="stylesheet" href="${BASE}/static/console.css" />
<link rel="stylesheet" href="${BASE}/static/uplot.css" />
<script src="${BASE}/static/uplot.js" defer></script>
<script src="${BASE}/static/console.js" defer></script>
</head>
<body data-time-zone="${t.timeZone ?? HUB_TIME_ZONE}">
<a class="skip" href="#main">${t('skipToContent')}</a>
<header>
  <a class="brand" href="${BASE}">${t('appName')}</a>
  ${c.var.user ? nav(c) : langLinks(c)}
</header>
<main id="main" tabindex="-1">
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}

/** A page that only says something (403, 404, refused form). */
export function messagePage(c: Context<ConsoleEnv>, title: string, text: string): Html {
  return page(c, title, html`<p role="alert">${text}</p>`);
}
