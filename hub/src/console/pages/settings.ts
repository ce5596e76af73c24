import { Hono } from 'hono';
import { html } from 'hono/html';
import { listPolicies } from '../../repositories/escalation-policies.js';
import { listEnabledWindows } from '../../repositories/maintenance-windows.js';
import { listChannels } from '../../repositories/notification-channels.js';
import type { ConsoleDeps, ConsoleEnv } from '../env.js';
import { duration } from '../views/format.js';
import { page } from '../views/layout.js';

/**
 * /console/admin/settings: what the hub does with incidents beyond the stock rules — maintenance
 * windows, notification channels (never their URLs or secrets), escalation policies. Read-only
 * here; they are changed through the API (README, HTTP API).
 */
export function settingsRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();
  app.get('/', async (c) => {
    const t = c.var.t;
    const windows = await listEnabledWindows(deps.db);
    const channels = await listChannels(deps.db);
    const policies = await listPolicies(deps.db);
    return c.html(
      page(
        c,
        t('settingsTitle'),
        html`<p>${t('settingsReadOnly')}</p>
        <h2>${t('maintenanceWindows')}</h2>
        ${
          windows.length
            ? html`<table><thead><tr><th scope="col">${t('scope')}</th><th scope="col">${t('target')}</th><th scope="col">${t('schedule')}</th>
              <th scope="col">${t('durationCol')}</th><th scope="col">${t('note')}</th></tr></thead>
              <tbody>${windows.map(
                (
                  w,
                ) => html`<tr><td>${w.scope}</td><td>${w.target}</td><td><code>${w.cron}</code> (${w.timezone})</td>
                  <td>${duration(Number(w.duration_ms))}</td><td>${w.reason}</td></tr>`,
              )}</tbody></table>`
            : html`<p>${t('none')}</p>`
        }
        <h2>${t('notificationChannels')}</h2>
        ${
          channels.length
            ? html`<table><thead><tr><th scope="col">${t('name')}</th><th scope="col">${t('kindCol')}</th><th scope="col">${t('level')}</th>
              <th scope="col">${t('notices')}</th><th scope="col">${t('state')}</th></tr></thead>
              <tbody>${channels.map(
                (ch) => html`<tr><td>${ch.name}</td><td>${ch.kind}</td><td>${ch.levels.join(', ')}</td>
                  <td>${ch.noticeKinds.join(', ')}</td><td>${ch.enabled ? t('active') : t('disabled')}</td></tr>`,
              )}</tbody></table>`
            : html`<p>${t('none')}</p>`
        }
        <h2>${t('escalationPolicies')}</h2>
        ${
          policies.length
            ? html`<table><thead><tr><th scope="col">${t('name')}</th><th scope="col">${t('level')}</th><th scope="col">${t('client')}</th>
              <th scope="col">${t('steps')}</th><th scope="col">${t('state')}</th></tr></thead>
              <tbody>${policies.map(
                (p) => html`<tr><td>${p.name}</td><td>${p.level}</td><td>${p.client || '*'}</td>
                  <td><ol>${p.steps.map((s) => html`<li>+${duration(s.waitSec * 1000)} → ${s.notify.map((n) => JSON.stringify(n)).join(', ')}</li>`)}</ol></td>
                  <td>${p.enabled ? t('active') : t('disabled')}</td></tr>`,
              )}</tbody></table>`
            : html`<p>${t('none')}</p>`
        }`,
      ),
    );
  });
  return app;
}
