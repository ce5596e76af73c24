import { Hono } from 'hono';
import type { HubDeps } from '../../config/deps.js';
import { channelView } from '../../notify/channel-config.js';
import {
  changeChannel,
  channelCreateBody,
  channelPatchBody,
  createChannel,
  type NotificationsApi,
  removeChannel,
  sendTestNotice,
} from '../../notify/channels/service.js';
import { findChannel, listChannels } from '../../notify/channels/store.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { parseJsonBody } from '../validate.js';

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
    await changeChannel(deps, c.req.param('id'), body);
    const channel = await findChannel(deps.db, c.req.param('id'));
    return c.json(channel ? channelView(channel) : {});
  });

  app.delete('/:id', async (c) => {
    await removeChannel(deps, c.req.param('id'));
    return c.body(null, 204);
  });

  // A test notice goes through the outbox like any other, so it proves the whole path.
  app.post('/:id/test', async (c) => {
    const sent = await sendTestNotice(deps, notifications, c.req.param('id'), c.var.user.userName);
    return c.json(sent, 202);
  });

  return app;
}
