import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { parseValue } from '../../../api/validate.js';
import {
  escalationPolicyBody,
  removeEscalationPolicy,
  saveEscalationPolicy,
} from '../../../incidents/escalation/service.js';
import {
  createMaintenanceWindow,
  maintenanceWindowBody,
  removeMaintenanceWindow,
} from '../../../maintenance/service.js';
import {
  changeChannel,
  channelCreateBody,
  channelPatchBody,
  createChannel,
  type NotificationsApi,
  removeChannel,
  sendTestNotice,
} from '../../../notify/channels/service.js';
import type { ConsoleDeps, ConsoleEnv } from '../../env.js';
import { runAction } from '../../views/action-error.js';
import type { Html } from '../../views/layout.js';
import { lines, list, numberOrText, SETTINGS, text } from './form.js';
import { settingsPage } from './page.js';
import { stepsFromText } from './steps-text.js';

const formValues = (form: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(form).flatMap(([k, v]) => (typeof v === 'string' && k !== 'secret' ? [[k, v]] : [])),
  );
const back = (c: Context<ConsoleEnv>, anchor: string) => c.redirect(`${SETTINGS}#${anchor}`, 303);
const by = (c: Context<ConsoleEnv>) => c.var.user?.name ?? 'console';

/**
 * /console/admin/settings: maintenance windows, notification channels (never their URLs'
 * secrets or HMAC keys) and escalation policies. Every form goes through the API's own schema and
 * service (maintenance/, notify/channels/, incidents/escalation/), so the console accepts and records
 * exactly what the API does.
 */
export function settingsRoutes(deps: ConsoleDeps, notifications: NotificationsApi) {
  const app = new Hono<ConsoleEnv>();
  app.get('/', async (c) => c.html(await settingsPage(deps, c)));
  windowRoutes(app, deps);
  channelRoutes(app, deps, notifications);
  escalationRoutes(app, deps);
  return app;
}

function windowRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps) {
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
      (error) => settingsPage(deps, c, error, formValues(form)),
    );
  });

  app.post('/windows/:id/remove', async (c) =>
    runAction(
      c,
      async () => {
        await removeMaintenanceWindow(deps, c.req.param('id'), by(c));
        return back(c, 'windows');
      },
      (error) => settingsPage(deps, c, error),
    ),
  );
}

function channelRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps, notifications: NotificationsApi) {
  app.post('/channels', async (c) => {
    const form = await c.req.parseBody({ all: true });
    return runAction(
      c,
      async () => {
        const kind = text(form.kind);
        const secret = text(form.secret);
        const locale = text(form.locale) || 'fr';
        const config =
          kind === 'email'
            ? { recipients: lines(form.recipients), locale }
            : { url: text(form.url), ...(secret ? { secret } : {}), locale };
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
      (error) => settingsPage(deps, c, error, formValues(form)),
    );
  });

  app.post('/channels/:id', async (c) => {
    const form = await c.req.parseBody();
    return runAction(
      c,
      async () => {
        const patch = parseValue(channelPatchBody, { enabled: text(form.enabled) === '1' });
        await changeChannel(deps, c.req.param('id'), patch);
        deps.log.info(
          { channel: c.req.param('id'), change: patch, by: by(c) },
          'notification channel changed',
        );
        return back(c, 'channels');
      },
      (error) => settingsPage(deps, c, error),
    );
  });

  app.post('/channels/:id/test', async (c) =>
    runAction(
      c,
      async () => {
        const sent = await sendTestNotice(deps, notifications, c.req.param('id'), by(c));
        const notice = html`<p role="status">${c.var.t('channelTestSent', { id: sent.deliveryId })}</p>`;
        return c.html(await settingsPage(deps, c, notice), 202);
      },
      (error) => settingsPage(deps, c, error),
    ),
  );

  app.post('/channels/:id/delete', async (c) =>
    runAction(
      c,
      async () => {
        await removeChannel(deps, c.req.param('id'));
        deps.log.info({ channel: c.req.param('id'), by: by(c) }, 'notification channel deleted');
        return back(c, 'channels');
      },
      (error) => settingsPage(deps, c, error),
    ),
  );
}

function escalationRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps) {
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
    settingsPage(deps, c, error, formValues(await c.req.parseBody()));

  app.post('/escalation', async (c) => runAction(c, savePolicy(c), refused(c)));
  app.post('/escalation/:id', async (c) => runAction(c, savePolicy(c, c.req.param('id')), refused(c)));
  app.post('/escalation/:id/delete', async (c) =>
    runAction(
      c,
      async () => {
        await removeEscalationPolicy(deps, c.req.param('id'));
        deps.log.info({ policy: c.req.param('id'), by: by(c) }, 'escalation policy deleted');
        return back(c, 'escalation');
      },
      (error) => settingsPage(deps, c, error),
    ),
  );
}
