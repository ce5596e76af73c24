import { SUPPORT_LEVELS } from '@vigie/shared';
import { z } from 'zod';
import { ApiError } from '../../api/api-error.js';
import type { HubDeps } from '../../config/deps.js';
import { type IncidentNotice, NOTICE_KINDS } from '../../incidents/notifier.js';
import { enqueueDeliveries } from '../../repositories/outbox.js';
import { generateId } from '../../security/secrets.js';
import { CHANNEL_CONFIG_SCHEMAS, targetUrl } from '../channel-config.js';
import { TEST_KEY_PREFIX } from '../delivery.js';
import type { TargetGuard } from '../target-guard.js';
import { deleteChannel, findChannel, insertChannel, updateChannel } from './store.js';

// Notification channels: the writes and their rules, for the API and the console alike.

/** What the channel writes (API and console) need from the running notifications. */
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

/** Change what a channel serves or whether it is enabled; throws NOT_FOUND. */
export async function changeChannel(
  deps: HubDeps,
  id: string,
  patch: z.infer<typeof channelPatchBody>,
): Promise<void> {
  if (!(await updateChannel(deps.db, id, patch))) {
    throw new ApiError('NOT_FOUND', 'No such notification channel');
  }
}

/** Delete a channel; throws NOT_FOUND. */
export async function removeChannel(deps: HubDeps, id: string): Promise<void> {
  if (!(await deleteChannel(deps.db, id))) {
    throw new ApiError('NOT_FOUND', 'No such notification channel');
  }
}
