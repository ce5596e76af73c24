import { SUPPORT_LEVELS, type SupportLevel } from '@vigie/shared';
import { z } from 'zod';
import type { ChannelKind, NotificationChannelsTable } from '../db/tables/notification-channels.js';
import { NOTICE_KINDS, type NoticeKind } from '../incidents/notifier.js';

const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);
// Secrets are for HMAC; short ones are guessable and long ones are pasted by mistake.
const secret = z.string().min(16).max(256);
/** The language a channel's text is written in (French unless set). */
const locale = z.enum(['fr', 'en']).optional();

/** Channel settings per kind, validated on the way in and again when read back. */
export const CHANNEL_CONFIG_SCHEMAS = {
  webhook: z.strictObject({ url: httpUrl, secret: secret.optional(), locale }),
  slack: z.strictObject({ url: httpUrl, locale }),
  teams: z.strictObject({ url: httpUrl, locale }),
  email: z.strictObject({
    recipients: z.array(z.email().max(320)).min(1).max(50),
    /** Also mail the person on call for the notice's level, when they have an e-mail. */
    includeOnCall: z.boolean().optional(),
    locale,
  }),
} as const;

export type WebhookConfig = z.infer<typeof CHANNEL_CONFIG_SCHEMAS.webhook>;
export type UrlConfig = z.infer<typeof CHANNEL_CONFIG_SCHEMAS.slack>;
export type EmailConfig = z.infer<typeof CHANNEL_CONFIG_SCHEMAS.email>;

/** A channel as the notify code sees it: kind and config together, so a switch narrows both. */
export type ChannelTarget =
  | { kind: 'webhook'; config: WebhookConfig }
  | { kind: 'slack'; config: UrlConfig }
  | { kind: 'teams'; config: UrlConfig }
  | { kind: 'email'; config: EmailConfig };

export type NotificationChannel = ChannelTarget & {
  id: string;
  name: string;
  levels: SupportLevel[];
  noticeKinds: NoticeKind[];
  enabled: boolean;
  createdAt: number;
};

const levelsSchema = z.array(z.enum(SUPPORT_LEVELS)).min(1);
const kindsSchema = z.array(z.enum(NOTICE_KINDS)).min(1);

/** Parse a stored row; undefined when it no longer validates (then it is skipped, not sent). */
export function decodeChannel(row: NotificationChannelsTable): NotificationChannel | undefined {
  try {
    const config = CHANNEL_CONFIG_SCHEMAS[row.kind]?.safeParse(JSON.parse(row.config));
    const levels = levelsSchema.safeParse(JSON.parse(row.levels));
    const kinds = kindsSchema.safeParse(JSON.parse(row.notice_kinds));
    if (!config?.success || !levels.success || !kinds.success) return undefined;
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      config: config.data,
      levels: levels.data,
      noticeKinds: kinds.data,
      enabled: row.enabled === 1,
      createdAt: row.created_at,
    } as NotificationChannel;
  } catch {
    return undefined;
  }
}

/** The URL a webhook-like channel posts to, if any. */
export function targetUrl(target: ChannelTarget): string | undefined {
  return target.kind === 'email' ? undefined : target.config.url;
}

function maskUrl(kind: ChannelKind, raw: string): string {
  const url = new URL(raw);
  // Slack and Teams incoming-webhook URLs carry their secret in the path; a generic webhook
  // may carry a token in its query string.
  return kind === 'webhook' ? `${url.origin}${url.pathname}${url.search ? '?…' : ''}` : `${url.origin}/…`;
}

/** The channel for the API: secrets and secret-bearing URL parts masked. */
export function channelView(channel: NotificationChannel) {
  const config =
    channel.kind === 'email'
      ? {
          recipients: channel.config.recipients,
          ...(channel.config.includeOnCall ? { includeOnCall: true } : {}),
          locale: channel.config.locale ?? 'fr',
        }
      : {
          url: maskUrl(channel.kind, channel.config.url),
          ...(channel.kind === 'webhook' ? { hasSecret: channel.config.secret !== undefined } : {}),
          locale: channel.config.locale ?? 'fr',
        };
  return {
    id: channel.id,
    name: channel.name,
    kind: channel.kind,
    config,
    levels: channel.levels,
    noticeKinds: channel.noticeKinds,
    enabled: channel.enabled,
    createdAt: channel.createdAt,
  };
}

/** Does this channel want this notice? */
export function channelWants(
  channel: NotificationChannel,
  notice: { level: SupportLevel; kind: NoticeKind },
) {
  return (
    channel.enabled && channel.levels.includes(notice.level) && channel.noticeKinds.includes(notice.kind)
  );
}
