import { Hono } from 'hono';
import { html } from 'hono/html';
import { BASE, type ConsoleEnv } from '../env.js';
import { LANGUAGES } from '../i18n/i18n.js';
import { page } from '../views/layout.js';

/** Every zone this runtime knows, read once: the list is long (≈ 400) and never changes. */
const ZONES: readonly string[] = Intl.supportedValuesOf('timeZone');

/**
 * /console/preferences — the reader's language and time zone. The form is a GET that the
 * context middleware reads (`?lang=`, `?tz=`) and remembers in cookies, so the choice holds on
 * this browser; until then the zone is the browser's own, which console.js sends once.
 */
export function preferencesRoutes() {
  const app = new Hono<ConsoleEnv>();
  app.get('/', (c) => {
    const t = c.var.t;
    const zone = t.timeZone;
    return c.html(
      page(
        c,
        t('prefsTitle'),
        html`<p data-time-zone="${zone ?? ''}">${t('prefsTimeZoneNow', { zone: zone ?? t('prefsHubZone') })}</p>
        <form method="get" action="${BASE}/preferences" class="preferences">
          <label>${t('prefsTimeZone')} <select name="tz">${ZONES.map(
            (z) =>
              html`<option value="${z}"${z === zone ? html` selected` : ''}>${z.replaceAll('_', ' ')}</option>`,
          )}</select></label>
          <label>${t('prefsLanguage')} <select name="lang">${LANGUAGES.map(
            (l) =>
              html`<option value="${l}"${l === t.lang ? html` selected` : ''}>${t(l === 'fr' ? 'langFr' : 'langEn')}</option>`,
          )}</select></label>
          <button type="submit">${t('prefsSave')}</button>
        </form>`,
      ),
    );
  });
  return app;
}
