import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import { OUTBOX_STATES } from '../../db/tables/outbox.js';
import type { NotificationsApi } from '../../notify/channels/service.js';
import {
  countDeliveriesByState,
  findDelivery,
  listDeliveries,
  type OutboxRow,
  retryDeadDelivery,
} from '../../repositories/outbox.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';
import { parseQuery } from '../validate.js';

const outboxQuery = z.object({
  state: z.enum(OUTBOX_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

function deliveryView(row: OutboxRow) {
  return {
    id: row.id,
    deliveryKey: row.delivery_key,
    channelId: row.channel_id,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.state === 'pending' || row.state === 'sending' ? row.next_attempt_at : null,
    lastError: row.last_error,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  get: describeRoute({
    summary: 'Notification deliveries pending, sent or dead',
    query: outboxQuery,
    queryExample: { state: 'dead' },
  }),
  postRetry: describeRoute({ summary: 'Retry a dead delivery' }),
};

/** /api/v1/outbox: admins see what is pending or dead, and retry a dead delivery. */
export function outboxRoutes(deps: HubDeps, notifications: NotificationsApi) {
  const app = new Hono<AuthEnv>();
  app.use(requireRole());

  app.get('/', doc.get, async (c) => {
    const query = parseQuery(c, outboxQuery);
    const [counts, rows] = await Promise.all([
      countDeliveriesByState(deps.db),
      listDeliveries(deps.db, query),
    ]);
    return c.json({ counts, deliveries: rows.map(deliveryView) });
  });

  app.post('/:id/retry', doc.postRetry, async (c) => {
    const id = c.req.param('id');
    if (!(await retryDeadDelivery(deps.db, id, deps.clock()))) {
      if (!(await findDelivery(deps.db, id))) throw new ApiError('NOT_FOUND', 'No such delivery');
      throw new ApiError('BAD_REQUEST', 'Only a dead delivery can be retried');
    }
    notifications.wake();
    const row = await findDelivery(deps.db, id);
    return c.json(row ? deliveryView(row) : { id });
  });

  return app;
}
