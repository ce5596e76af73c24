import { SUPPORT_LEVELS } from '@vigie/shared';
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { ApiError } from '../../api/api-error.js';
import { escalationPolicyBody, saveEscalationPolicy } from '../../api/routes/escalation-policies.js';
import {
  createMaintenanceWindow,
  maintenanceWindowBody,
  removeMaintenanceWindow,
  windowView,
} from '../../api/routes/maintenance-windows.js';
import {
  channelCreateBody,
  channelPatchBody,
  createChannel,
  type NotificationsApi,
  sendTestNotice,
} from '../../api/routes/notification-channels.js';
import { parseValue } from '../../api/validate.js';
import { MAINTENANCE_SCOPES } from '../../db/tables/maintenance-windows.js';
import { NOTICE_KINDS } from '../../incidents/notifier.js';
import { channelView } from '../../notify/channel-config.js';
import { deletePolicy, listPolicies } from '../../repositories/escalation-policies.js';
import { listEnabledWindows } from '../../repositories/maintenance-windows.js';
import { deleteChannel, listChannels, updateChannel } from '../../repositories/notification-channels.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../env.js';
import { runAction } from '../views/action-error.js';
import { duration } from '../views/format.js';
import { csrfField, type Html, page } from '../views/layout.js';

const SETTINGS = `${BASE}/admin/settings`;
const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const list = (value: unknown) =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(text);
const lines = (value: unknown) =>
  text(value)
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean);
/** A number field: anything not a number stays text, for the schema to name. */
const numberOrText = (value: string) =>
  value !== '' && Number.isFinite(Number(value)) ? Number(value) : value;

type StepsText = ReadonlyArray<{
  waitSec: number;
  notify: readonly string[];
  repeat?: { everySec: number; times: number } | undefined;
}>;

/**
 * Escalation steps as text, one a line: minutes to wait, then who to notify (levels N1–N3 or
 * channel ids), then optionally `every=<minutes> times=<n>` to repeat — e.g. `30 N2 every=60 times=3`.
 * Anything that is not a number stays text, so the API's schema names the faulty step.
 */
export function stepsFromText(value: string): unknown[] {
  const minutes = (text: string) => {
    const n = numberOrText(text);
    return typeof n === 'number' ? n * 60 : n;
  };
  return value
    .split('\n')
    .map((line) => line.trim().split(/\s+/).filter(Boolean))
    .filter((tokens) => tokens.length > 0)
    .map(([wait = '', ...rest]) => {
      const option = (name: string) => rest.find((t) => t.startsWith(`${name}=`))?.slice(name.length + 1);
      const every = option('every');
      const times = option('times');
      return {
        waitSec: minutes(wait),
        notify: rest.filter((t) => !t.includes('=')),
        ...(every !== undefined || times !== undefined
          ? { repeat: { everySec: minutes(every ?? ''), times: numberOrText(times ?? '') } }
          : {}),
      };
    });
}

/** The text form of stored steps (the inverse of `stepsFromText`). */
export function stepsToText(steps: StepsText): string {
  return steps
    .map((s) =>
      [
        String(s.waitSec / 60),
        ...s.notify,
        ...(s.repeat ? [`every=${s.repeat.everySec / 60}`, `times=${s.repeat.times}`] : []),
      ].join(' '),
    )
    .join('\n');
}

/**
 * /console/admin/settings: maintenance windows, notification channels (never their URLs'
 * secrets or HMAC keys) and escalation policies. Every form goes through the API's own schema and
 * action (api/routes/*), so the console accepts and records exactly what the API does.
 */
export function settingsRoutes(deps: ConsoleDeps, notifications: NotificationsApi) {
  const app = new Hono<ConsoleEnv>();

  const settingsPage = async (c: Context<ConsoleEnv>, notice?: Html, form: Record<string, string> = {}) => {
    const t = c.var.t;
    const now = deps.clock();
    const windows = (await listEnabledWindows(deps.db)).map((row) => windowView(row, now));
    const channels = (await listChannels(deps.db)).map(channelView);
    const policies = await listPolicies(deps.db);
    const v = (name: string, fallback = '') => form[name] ?? fallback;
    const post = (action: string, label: string, hidden: Html | string = '') =>
      html`<form method="post" action="${action}" class="inline">${csrfField(c)}${hidden}<button type="submit">${label}</button></form>`;
    const checkbox = (name: string, value: string, checked: boolean, label: string) =>
      html`<label><input type="checkbox" name="${name}" value="${value}"${checked ? html` checked` : ''} /> ${label}</label>`;
    /** A policy's fields; a form that was refused shows what was typed. */
    const escalationFields = (
      key: string,
      p: {
        name: string;
        level: string;
        client: string;
        steps: StepsText;
        enabled: boolean;
      },
    ) => {
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
    };
    return page(
      c,
      t('settingsTitle'),
      html`${notice ?? ''}
        <h2 id="windows">${t('maintenanceWindows')}</h2>
        ${
          windows.length
            ? html`<table><thead><tr><th scope="col">${t('scope')}</th><th scope="col">${t('target')}</th><th scope="col">${t('schedule')}</th>
              <th scope="col">${t('durationCol')}</th><th scope="col">${t('note')}</th><th scope="col">${t('state')}</th><th scope="col"></th></tr></thead>
              <tbody>${windows.map(
                (
                  w,
                ) => html`<tr><td>${w.scope}</td><td>${w.target}</td><td><code>${w.cron}</code> (${w.timezone})</td>
                  <td>${duration(w.durationMinutes * 60_000)}</td><td>${w.reason}</td>
                  <td>${w.activeUntil === null ? '' : t('maintenanceRunning', { at: t.dateTime(w.activeUntil) })}</td>
                  <td>${post(`${SETTINGS}/windows/${encodeURIComponent(w.id)}/remove`, t('maintenanceRemove'))}</td></tr>`,
              )}</tbody></table>`
            : html`<p>${t('none')}</p>`
        }
        <h3>${t('maintenanceCreate')}</h3>
        <form method="post" action="${SETTINGS}/windows" class="filters">
          ${csrfField(c)}
          <label>${t('scope')} <select name="scope">${MAINTENANCE_SCOPES.map((s) => html`<option value="${s}"${v('scope') === s ? html` selected` : ''}>${s}</option>`)}</select></label>
          <label>${t('target')} <input name="target" required maxlength="256" value="${v('target')}" /></label>
          <label>${t('maintenanceCron')} <input name="cron" required maxlength="100" value="${v('cron', '0 22 * * 6')}" /></label>
          <label>${t('maintenanceDuration')} <input name="durationMinutes" required inputmode="numeric" size="6" value="${v('durationMinutes', '120')}" /></label>
          <label>${t('maintenanceTimezone')} <input name="timezone" maxlength="64" value="${v('timezone', 'Europe/Paris')}" /></label>
          <label>${t('maintenanceReason')} <input name="reason" required maxlength="500" value="${v('reason')}" /></label>
          <button type="submit">${t('admCreate')}</button>
        </form>

        <h2 id="channels">${t('notificationChannels')}</h2>
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
          </p>
          <fieldset><legend>${t('channelLevels')}</legend>${SUPPORT_LEVELS.map((l) => checkbox('levels', l, true, l))}</fieldset>
          <fieldset><legend>${t('notices')}</legend>${NOTICE_KINDS.map((k) => checkbox('noticeKinds', k, ['opened', 'reopened', 'escalated'].includes(k), k))}</fieldset>
          <button type="submit">${t('admCreate')}</button>
        </form>

        <h2 id="escalation">${t('escalationPolicies')}</h2>
        <p>${t('escalationStock')}</p>
        ${policies.map((p) => {
          const path = `${SETTINGS}/escalation/${encodeURIComponent(p.id)}`;
          return html`<form method="post" action="${path}" class="escalation">
            ${csrfField(c)}
            ${escalationFields(p.id, p)}
            <button type="submit">${t('save')}</button>
          </form>${post(`${path}/delete`, t('admDelete'))}`;
        })}
        <h3>${t('escalationCreate')}</h3>
        <form method="post" action="${SETTINGS}/escalation" class="escalation">
          ${csrfField(c)}
          ${escalationFields('new', {
            name: v('name'),
            level: v('level', 'N1'),
            client: v('client'),
            steps: [],
            enabled: true,
          })}
          <button type="submit">${t('admCreate')}</button>
        </form>`,
    );
  };

  const formValues = (form: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(form).flatMap(([k, v]) => (typeof v === 'string' && k !== 'secret' ? [[k, v]] : [])),
    );
  const back = (c: Context<ConsoleEnv>, anchor: string) => c.redirect(`${SETTINGS}#${anchor}`, 303);
  const by = (c: Context<ConsoleEnv>) => c.var.user?.name ?? 'console';

  app.get('/', async (c) => c.html(await settingsPage(c)));

  app.post('/windows', async (c) => {
    const form = await c.req.parseBody();
    return runAction(
      c,
      async () => {
        const body = parseValue(maintenanceWindowBody, {
          scope: text(form.scope),
          target: text(form.target),
          cron: text(form.cron),
          durationMinutes: numberOrText(text(form.durationMinutes)),
          timezone: text(form.timezone) || undefined,
          reason: text(form.reason),
        });
        await createMaintenanceWindow(deps, body, by(c));
        return back(c, 'windows');
      },
      (error) => settingsPage(c, error, formValues(form)),
    );
  });

  app.post('/windows/:id/remove', async (c) =>
    runAction(
      c,
      async () => {
        await removeMaintenanceWindow(deps, c.req.param('id'), by(c));
        return back(c, 'windows');
      },
      (error) => settingsPage(c, error),
    ),
  );

  app.post('/channels', async (c) => {
    const form = await c.req.parseBody({ all: true });
    return runAction(
      c,
      async () => {
        const kind = text(form.kind);
        const secret = text(form.secret);
        const config =
          kind === 'email'
            ? { recipients: lines(form.recipients) }
            : { url: text(form.url), ...(secret ? { secret } : {}) };
        const body = parseValue(channelCreateBody, {
          kind,
          name: text(form.name),
          config,
          levels: list(form.levels),
          noticeKinds: list(form.noticeKinds),
        });
        const id = await createChannel(deps, notifications, body);
        deps.log.info({ channel: id, kind: body.kind, by: by(c) }, 'notification channel created');
        return back(c, 'channels');
      },
      (error) => settingsPage(c, error, formValues(form)),
    );
  });

  app.post('/channels/:id', async (c) => {
    const form = await c.req.parseBody();
    return runAction(
      c,
      async () => {
        const patch = parseValue(channelPatchBody, { enabled: text(form.enabled) === '1' });
        if (!(await updateChannel(deps.db, c.req.param('id'), patch)))
          throw new ApiError('NOT_FOUND', 'No such notification channel');
        deps.log.info(
          { channel: c.req.param('id'), change: patch, by: by(c) },
          'notification channel changed',
        );
        return back(c, 'channels');
      },
      (error) => settingsPage(c, error),
    );
  });

  app.post('/channels/:id/test', async (c) =>
    runAction(
      c,
      async () => {
        const sent = await sendTestNotice(deps, notifications, c.req.param('id'), by(c));
        const notice = html`<p role="status">${c.var.t('channelTestSent', { id: sent.deliveryId })}</p>`;
        return c.html(await settingsPage(c, notice), 202);
      },
      (error) => settingsPage(c, error),
    ),
  );

  app.post('/channels/:id/delete', async (c) =>
    runAction(
      c,
      async () => {
        if (!(await deleteChannel(deps.db, c.req.param('id'))))
          throw new ApiError('NOT_FOUND', 'No such notification channel');
        deps.log.info({ channel: c.req.param('id'), by: by(c) }, 'notification channel deleted');
        return back(c, 'channels');
      },
      (error) => settingsPage(c, error),
    ),
  );

  const savePolicy = (c: Context<ConsoleEnv>, id?: string) => async () => {
    const form = await c.req.parseBody();
    const body = parseValue(escalationPolicyBody, {
      name: text(form.name),
      level: text(form.level),
      client: text(form.client),
      steps: stepsFromText(typeof form.steps === 'string' ? form.steps : ''),
      enabled: form.enabled === '1',
    });
    const saved = await saveEscalationPolicy(deps, body, id);
    deps.log.info({ policy: saved, by: by(c) }, 'escalation policy saved');
    return back(c, 'escalation');
  };
  const refused = (c: Context<ConsoleEnv>) => async (error: Html) =>
    settingsPage(c, error, formValues(await c.req.parseBody()));

  app.post('/escalation', async (c) => runAction(c, savePolicy(c), refused(c)));
  app.post('/escalation/:id', async (c) => runAction(c, savePolicy(c, c.req.param('id')), refused(c)));
  app.post('/escalation/:id/delete', async (c) =>
    runAction(
      c,
      async () => {
        if (!(await deletePolicy(deps.db, c.req.param('id'))))
          throw new ApiError('NOT_FOUND', 'No such escalation policy');
        deps.log.info({ policy: c.req.param('id'), by: by(c) }, 'escalation policy deleted');
        return back(c, 'escalation');
      },
      (error) => settingsPage(c, error),
    ),
  );

  return app;
}
