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
import { describeRoute } from '../openapi/describe.js';
import { parseJsonBody } from '../validate.js';

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  post: describeRoute({
    summary: 'Create a notification channel (webhook, Slack, Teams, e-mail)',
    body: channelCreateBody,
    status: 201,
  }),
  get: describeRoute({ summary: 'Notification channels (secrets masked)' }),
  getOne: describeRoute({ summary: 'One notification channel' }),
  patchOne: describeRoute({
    summary: 'Enable, disable or re-route a channel',
    body: channelPatchBody,
    example: { enabled: false },
  }),
  deleteOne: describeRoute({ summary: 'Delete a channel', status: 204 }),
  postTest: describeRoute({ summary: 'Send a test notice through the channel' }),
};

/** /api/v1/notification-channels: admins create, list, change, delete and test channels. */
export function notificationChannelRoutes(deps: HubDeps, notifications: NotificationsApi) {
  const app = new Hono<AuthEnv>();
  app.use(requireRole());

  app.post('/', doc.post, async (c) => {
    const id = await createChannel(deps, notifications, await parseJsonBody(c, channelCreateBody));
    const channel = await findChannel(deps.db, id);
    return c.json(channel ? channelView(channel) : { id }, 201);
  });

  app.get('/', doc.get, async (c) => c.json({ channels: (await listChannels(deps.db)).map(channelView) }));

  app.get('/:id', doc.getOne, async (c) => {
    const channel = await findChannel(deps.db, c.req.param('id'));
    if (!channel) throw new ApiError('NOT_FOUND', 'No such notification channel');
    return c.json(channelView(channel));
  });

  app.patch('/:id', doc.patchOne, async (c) => {
    const body = await parseJsonBody(c, channelPatchBody);
    await changeChannel(deps, c.req.param('id'), body);
    const channel = await findChannel(deps.db, c.req.param('id'));
    return c.json(channel ? channelView(channel) : {});
  });

  app.delete('/:id', doc.deleteOne, async (c) => {
    await removeChannel(deps, c.req.param('id'));
    return c.body(null, 204);
  });

  // A test notice goes through the outbox like any other, so it proves the whole path.
  app.post('/:id/test', doc.postTest, async (c) => {
    const sent = await sendTestNotice(deps, notifications, c.req.param('id'), c.var.user.userName);
    return c.json(sent, 202);
  });

  return app;
}
