import type { UrlConfig } from '../channel-config.js';
import type { Delivery, SendResult } from '../delivery.js';
import { guardedPost } from '../http-post.js';
import {
  kindLabel,
  type NoticeLocale,
  noticeFacts,
  noticeReason,
  noticeSubject,
  oneLine,
} from '../notice-format.js';
import type { TargetGuard } from '../target-guard.js';
import { deliveryHeaders } from './webhook.js';

// Adaptive Card text is markdown: `[text](url)` in a hostile hostname or title would become a
// link. A zero-width space between `]` and `(` breaks the syntax and stays invisible (Teams'
// handling of backslash escapes is not documented, so escaping could show stray backslashes).
function plain(text: string, max?: number): string {
  return oneLine(text, max).replace(/\]\s*\(/g, ']\u200b(');
}

/**
 * A Teams incoming-webhook message carrying an Adaptive Card (what Workflows webhooks accept;
 * the older MessageCard connectors are being retired).
 */
export function teamsMessage(delivery: Delivery, locale: NoticeLocale = 'fr') {
  const { notice } = delivery;
  const reason = noticeReason(notice, locale) || kindLabel(notice.kind, locale);
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            {
              type: 'TextBlock',
              text: plain(noticeSubject(notice, locale)),
              weight: 'Bolder',
              size: 'Medium',
              wrap: true,
              color: notice.priority >= 4 ? 'Attention' : 'Default',
            },
            { type: 'TextBlock', text: plain(reason, 1000), wrap: true },
            {
              type: 'FactSet',
              facts: noticeFacts(notice, locale).map(([title, value]) => ({ title, value: plain(value) })),
            },
          ],
        },
      },
    ],
  };
}

/** Posts an Adaptive Card to a Teams incoming-webhook URL. */
export function createTeamsSender(options: { guard: TargetGuard; timeoutMs: number }) {
  return function sendTeams(config: UrlConfig, delivery: Delivery): Promise<SendResult> {
    const body = JSON.stringify(teamsMessage(delivery, config.locale));
    return guardedPost(options.guard, config.url, body, deliveryHeaders(delivery), options.timeoutMs);
  };
}
