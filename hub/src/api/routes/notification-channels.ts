import { SUPPORT_LEVELS } from '@vigie/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import { type IncidentNotice, NOTICE_KINDS } from '../../incidents/notifier.js';
import { CHANNEL_CONFIG_SCHEMAS, channelView, targetUrl } from '../../notify/channel-config.js';
import { TEST_KEY_PREFIX } from '../../notify/delivery.js';
import type { TargetGuard } from '../../notify/target-guard.js';
import {
  deleteChannel,
  findChannel,
  insertChannel,
  listChannels,
  updateChannel,
} from '../../repositories/notification-channels.js';
import { enqueueDeliveries } from '../../repositories/outbox.js';
import { generateId } from '../../security/secrets.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { parseJsonBody } from '../validate.js';

/** What the notification routes need from the running notifications. */
export interface NotificationsApi {
  readonly guard: TargetGuard;
  readonly emailConfigured: boolean;
  /** Deliver soon what was just queued. */
  wake(): void;
}

const serves = {
  name: z.string().trim().min(1).max(100),
  levels: z.array(z.enum(SUPPORT_LEVELS)).min(1).max(3).default(['N1', 'N2', 'N3']),
  noticeKinds: z
    .array(z.enum(NOTICE_KINDS))
    .min(1)
    .max(NOTICE_KINDS.length)
    .default(['opened', 'reopened', 'escalated']),
  enabled: z.boolean().default(true),
};
/** A new channel as the API (JSON) and the console (form) take it. */
export const channelCreateBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('webhook'), config: CHANNEL_CONFIG_SCHEMAS.webhook, ...serves }),
  z.object({ kind: z.literal('slack'), config: CHANNEL_CONFIG_SCHEMAS.slack, ...serves }),
  z.object({ kind: z.literal('teams'), config: CHANNEL_CONFIG_SCHEMAS.teams, ...serves }),
  z.object({ kind: z.literal('email'), config: CHANNEL_CONFIG_SCHEMAS.email, ...serves }),
]);
export const channelPatchBody = z.strictObject({
  enabled: z.boolean().optional(),
  levels: serves.levels.removeDefault().optional(),
  noticeKinds: serves.noticeKinds.removeDefault().optional(),
});

function invalid(path: string, message: string): ApiError {
  return new ApiError('VALIDATION_FAILED', message, [{ path, message }]);
}

/** /api/v1/notification-channels: admins create, list, change, delete and test channels. */
export function notificationChannelRoutes(deps: HubDeps, notifications: NotificationsApi) {
  const app = new Hono<AuthEnv>();
  app.use(requireRole());

  app.post('/', async (c) => {
    const id = await createChannel(deps, notifications, await parseJsonBody(c, channelCreateBody));
    const channel = await findChannel(deps.db, id);
    return c.json(channel ? channelView(channel) : { id }, 201);
  });

  app.get('/', async (c) => c.json({ channels: (await listChannels(deps.db)).map(channelView) }));

  app.get('/:id', async (c) => {
    const channel = await findChannel(deps.db, c.req.param('id'));
    if (!channel) throw new ApiError('NOT_FOUND', 'No such notification channel');
    return c.json(channelView(channel));
  });

  app.patch('/:id', async (c) => {
    const body = await parseJsonBody(c, channelPatchBody);
    if (!(await updateChannel(deps.db, c.req.param('id'), body))) {
      throw new ApiError('NOT_FOUND', 'No such notification channel');
    }
    const channel = await findChannel(deps.db, c.req.param('id'));
    return c.json(channel ? channelView(channel) : {});
  });

  app.delete('/:id', async (c) => {
    if (!(await deleteChannel(deps.db, c.req.param('id')))) {
      throw new ApiError('NOT_FOUND', 'No such notification channel');
    }
    return c.body(null, 204);
  });

  // A test notice goes through the outbox like any other, so it proves the whole path.
  app.post('/:id/test', async (c) => {
    const sent = await sendTestNotice(deps, notifications, c.req.param('id'), c.var.user.userName);
    return c.json(sent, 202);
  });

  return app;
}

/**
 * Create a channel (API and console) after the target guard accepted its URL; its id. Throws
 * VALIDATION_FAILED naming the field.
 */
export async function createChannel(
  deps: HubDeps,
  notifications: NotificationsApi,
  body: z.infer<typeof channelCreateBody>,
): Promise<string> {
  const url = targetUrl(body);
  if (url !== undefined) {
    const checked = await notifications.guard.check(url);
    if (!checked.ok) throw invalid('config.url', checked.message);
  }
  if (body.kind === 'email' && !notifications.emailConfigured) {
    throw invalid('kind', 'e-mail channels need SMTP: set VIGIE_SMTP_HOST (and VIGIE_SMTP_FROM)');
  }
  const id = generateId('nch', deps.random);
  if (!(await insertChannel(deps.db, { ...body, id, createdAt: deps.clock() }))) {
    throw invalid('name', 'a channel with this name already exists');
  }
  return id;
}

/** Queue a test notice to one channel; it goes through the outbox like any other, proving the whole path. */
export async function sendTestNotice(
  deps: HubDeps,
  notifications: NotificationsApi,
  channelId: string,
  by: string,
): Promise<{ deliveryId: string; deliveryKey: string }> {
  const channel = await findChannel(deps.db, channelId);
  if (!channel) throw new ApiError('NOT_FOUND', 'No such notification channel');
  const now = deps.clock();
  const id = generateId('dlv', deps.random);
  const notice: IncidentNotice = {
    kind: 'opened',
    deliveryKey: `${TEST_KEY_PREFIX}${channel.id}/${id}`,
    incidentId: 'test',
    level: channel.levels[0] ?? 'N1',
    priority: 1,
    title: 'Test notification',
    client: 'vigie',
    site: 'test',
    hostId: null,
    hostname: null,
    check: 'test',
    resource: '',
    state: 'new',
    at: now,
    reason: `Sent by ${by} to check the channel "${channel.name}"`,
  };
  await enqueueDeliveries(deps.db, [
    {
      id,
      deliveryKey: notice.deliveryKey,
      channelId: channel.id,
      payload: JSON.stringify(notice),
      createdAt: now,
    },
  ]);
  notifications.wake();
  return { deliveryId: id, deliveryKey: notice.deliveryKey };
}
