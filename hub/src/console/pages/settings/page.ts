import { SUPPORT_LEVELS } from '@vigie/shared';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { MAINTENANCE_SCOPES } from '../../../db/tables/maintenance-windows.js';
import { NOTICE_KINDS } from '../../../incidents/notifier.js';
import { windowView } from '../../../maintenance/service.js';
import {
  hostTargetNames,
  maintenanceTargetChoices,
  type TargetChoices,
} from '../../../maintenance/targets.js';
import { channelView } from '../../../notify/channel-config.js';
import { listChannels } from '../../../notify/channels/store.js';
import { listPolicies } from '../../../repositories/escalation-policies.js';
import { listEnabledWindows } from '../../../repositories/maintenance-windows.js';
import type { ConsoleDeps, ConsoleEnv } from '../../env.js';
import { fleetWords } from '../../i18n/fleet.js';
import type { Translate } from '../../i18n/i18n.js';
import { durationIn } from '../../views/format.js';
import { csrfField, type Html, page } from '../../views/layout.js';
import { maintenanceTargetLabel, maintenanceTargetPicker } from '../admin/maintenance-picker.js';
import { SETTINGS } from './form.js';
import { type StepsText, stepsToText } from './steps-text.js';

/** What every section of the page draws with: its translations, the typed form, a one-button form. */
interface Parts {
  readonly c: Context<ConsoleEnv>;
  readonly t: Translate;
  readonly form: Record<string, string>;
  v(name: string, fallback?: string): string;
  post(action: string, label: string, hidden?: Html | string): Html;
}

type WindowView = ReturnType<typeof windowView>;
type ChannelView = ReturnType<typeof channelView>;
type PolicyRow = Awaited<ReturnType<typeof listPolicies>>[number];

/** The settings page; a refused form comes back with what was typed (never a secret). */
export async function settingsPage(
  deps: ConsoleDeps,
  c: Context<ConsoleEnv>,
  notice?: Html,
  form: Record<string, string> = {},
) {
  const t = c.var.t;
  const now = deps.clock();
  const windows = (await listEnabledWindows(deps.db)).map((row) => windowView(row, now));
  const channels = (await listChannels(deps.db)).map(channelView);
  const policies = await listPolicies(deps.db);
  // Windows are shown and picked by name: a host window keeps the host's id, a person reads its name.
  const targets = {
    choices: await maintenanceTargetChoices(deps.db, c.var.scope),
    hostNames: await hostTargetNames(
      deps.db,
      windows.filter((w) => w.scope === 'host').map((w) => w.target),
    ),
  };
  const parts: Parts = {
    c,
    t,
    form,
    v: (name, fallback = '') => form[name] ?? fallback,
    post: (action, label, hidden = '') =>
      html`<form method="post" action="${action}" class="inline">${csrfField(c)}${hidden}<button type="submit">${label}</button></form>`,
  };
  return page(
    c,
    t('settingsTitle'),
    html`${notice ?? ''}
      ${windowsSection(parts, windows, targets)}
      ${channelsSection(parts, channels)}
      ${escalationSection(parts, policies)}`,
  );
}

/** A scope in words (Machine, Site, Client, Étiquette). */
function scopeWord(t: Translate, scope: string): string {
  if (scope === 'host' || scope === 'site' || scope === 'client') return t(scope);
  return scope === 'tag' ? fleetWords(t.lang)('hostTags') : scope;
}

function windowsSection(
  { c, t, v, post }: Parts,
  windows: readonly WindowView[],
  targets: { choices: TargetChoices; hostNames: ReadonlyMap<string, string> },
) {
  return html`<h2 id="windows">${t('maintenanceWindows')}</h2>
    ${
      windows.length
        ? html`<table><thead><tr><th scope="col">${t('scope')}</th><th scope="col">${t('target')}</th><th scope="col">${t('schedule')}</th>
          <th scope="col">${t('durationCol')}</th><th scope="col">${t('note')}</th><th scope="col">${t('state')}</th><th scope="col"></th></tr></thead>
          <tbody>${windows.map(
            (
              w,
            ) => html`<tr><td>${scopeWord(t, w.scope)}</td><td>${maintenanceTargetLabel(w.scope, w.target, targets.hostNames)}</td><td><code>${w.cron}</code> (${w.timezone})</td>
              <td>${durationIn(t, w.durationMinutes * 60_000)}</td><td>${w.reason}</td>
              <td>${w.activeUntil === null ? '' : t('maintenanceRunning', { at: t.dateTime(w.activeUntil) })}</td>
              <td>${post(`${SETTINGS}/windows/${encodeURIComponent(w.id)}/remove`, t('maintenanceRemove'))}</td></tr>`,
          )}</tbody></table>`
        : html`<p>${t('none')}</p>`
    }
    <h3>${t('maintenanceCreate')}</h3>
    <form method="post" action="${SETTINGS}/windows" class="filters">
      ${csrfField(c)}
      <label>${t('scope')} <select name="scope">${MAINTENANCE_SCOPES.map((s) => html`<option value="${s}"${v('scope') === s ? html` selected` : ''}>${scopeWord(t, s)}</option>`)}</select></label>
      ${maintenanceTargetPicker(t, targets.choices, v('target'))}
      <label>${t('maintenanceCron')} <input name="cron" required maxlength="100" value="${v('cron', '0 22 * * 6')}" /></label>
      <label>${t('maintenanceDuration')} <input name="durationMinutes" required inputmode="numeric" size="6" value="${v('durationMinutes', '120')}" /></label>
      <label>${t('maintenanceTimezone')} <input name="timezone" maxlength="64" value="${v('timezone', 'Europe/Paris')}" /></label>
      <label>${t('maintenanceReason')} <input name="reason" required maxlength="500" value="${v('reason')}" /></label>
      <button type="submit">${t('admCreate')}</button>
    </form>`;
}

function channelsSection({ c, t, v, post }: Parts, channels: readonly ChannelView[]) {
  const checkbox = (name: string, value: string, checked: boolean, label: string) =>
    html`<label><input type="checkbox" name="${name}" value="${value}"${checked ? html` checked` : ''} /> ${label}</label>`;
  return html`<h2 id="channels">${t('notificationChannels')}</h2>
    ${
      channels.length
        ? html`<table><thead><tr><th scope="col">${t('name')}</th><th scope="col">${t('kindCol')}</th><th scope="col">${t('target')}</th><th scope="col">${t('level')}</th>
          <th scope="col">${t('notices')}</th><th scope="col">${t('state')}</th><th scope="col"></th></tr></thead>
          <tbody>${channels.map((ch) => {
            const path = `${SETTINGS}/channels/${encodeURIComponent(ch.id)}`;
            const target =
              'recipients' in ch.config
                ? ch.config.recipients.join(', ')
                : // Only the origin: a webhook's path or query may itself be its secret.
                  `${new URL(ch.config.url).origin}/…${'hasSecret' in ch.config && ch.config.hasSecret ? ` (${t('channelHasSecret')})` : ''}`;
            return html`<tr><td>${ch.name}</td><td>${ch.kind}</td><td>${target}</td><td>${ch.levels.join(', ')}</td>
              <td>${ch.noticeKinds.join(', ')}</td><td>${ch.enabled ? t('active') : t('disabled')}</td>
              <td>${post(path, ch.enabled ? t('disable') : t('enable'), html`<input type="hidden" name="enabled" value="${ch.enabled ? '0' : '1'}" />`)}
                ${post(`${path}/test`, t('channelTest'))}
                ${post(`${path}/delete`, t('admDelete'))}</td></tr>`;
          })}</tbody></table>`
        : html`<p>${t('none')}</p>`
    }
    <h3>${t('channelCreate')}</h3>
    <form method="post" action="${SETTINGS}/channels">
      ${csrfField(c)}
      <p class="filters">
      <label>${t('name')} <input name="name" required maxlength="100" value="${v('name')}" /></label>
      <label>${t('kindCol')} <select name="kind">${(['webhook', 'email'] as const).map((k) => html`<option value="${k}"${v('kind') === k ? html` selected` : ''}>${k}</option>`)}</select></label>
      <label>${t('channelUrl')} <input name="url" type="url" maxlength="2048" size="40" value="${v('url')}" /></label>
      <label>${t('channelSecret')} <input name="secret" type="password" maxlength="256" autocomplete="off" /></label>
      <label>${t('channelRecipients')} <textarea name="recipients" rows="2" cols="30">${v('recipients')}</textarea></label>
      <label>${t('channelLocale')} <select name="locale">${(['fr', 'en'] as const).map((l) => html`<option value="${l}"${v('locale') === l ? html` selected` : ''}>${l === 'fr' ? 'Français' : 'English'}</option>`)}</select></label>
      </p>
      <fieldset><legend>${t('channelLevels')}</legend>${SUPPORT_LEVELS.map((l) => checkbox('levels', l, true, l))}</fieldset>
      <fieldset><legend>${t('notices')}</legend>${NOTICE_KINDS.map((k) => checkbox('noticeKinds', k, ['opened', 'reopened', 'escalated'].includes(k), k))}</fieldset>
      <button type="submit">${t('admCreate')}</button>
    </form>`;
}

/** A policy's fields; a form that was refused shows what was typed. */
function escalationFields(
  { t, form }: Parts,
  key: string,
  p: {
    name: string;
    level: string;
    client: string;
    steps: StepsText;
    enabled: boolean;
  },
) {
  const typed = form._policy === key;
  const val = (name: string, stored: string) => (typed ? (form[name] ?? '') : stored);
  return html`<fieldset><legend>${p.name || t('escalationCreate')}</legend>
      <input type="hidden" name="_policy" value="${key}" />
      <label>${t('name')} <input name="name" required maxlength="100" value="${val('name', p.name)}" /></label>
      <label>${t('level')} <select name="level">${SUPPORT_LEVELS.map((l) => html`<option value="${l}"${val('level', p.level) === l ? html` selected` : ''}>${l}</option>`)}</select></label>
      <label>${t('client')} <input name="client" maxlength="256" value="${val('client', p.client)}" placeholder="*" /></label>
      <label><input type="checkbox" name="enabled" value="1"${(typed ? form.enabled === '1' : p.enabled) ? html` checked` : ''} /> ${t('active')}</label>
      <label>${t('escalationEdit')} <textarea name="steps" rows="3" cols="40" required>${val('steps', stepsToText(p.steps))}</textarea></label>
    </fieldset>`;
}

function escalationSection(parts: Parts, policies: readonly PolicyRow[]) {
  const { c, t, v, post } = parts;
  return html`<h2 id="escalation">${t('escalationPolicies')}</h2>
    <p>${t('escalationStock')}</p>
    ${policies.map((p) => {
      const path = `${SETTINGS}/escalation/${encodeURIComponent(p.id)}`;
      return html`<form method="post" action="${path}" class="escalation">
        ${csrfField(c)}
        ${escalationFields(parts, p.id, p)}
        <button type="submit">${t('save')}</button>
      </form>${post(`${path}/delete`, t('admDelete'))}`;
    })}
    <h3>${t('escalationCreate')}</h3>
    <form method="post" action="${SETTINGS}/escalation" class="escalation">
      ${csrfField(c)}
      ${escalationFields(parts, 'new', {
        name: v('name'),
        level: v('level', 'N1'),
        client: v('client'),
        steps: [],
        enabled: true,
      })}
      <button type="submit">${t('admCreate')}</button>
    </form>`;
}
