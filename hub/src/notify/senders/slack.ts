import type { UrlConfig } from '../channel-config.js';
import type { Delivery, SendResult } from '../delivery.js';
import { guardedPost } from '../http-post.js';
import {
  escapeSlack,
  kindLabel,
  type NoticeLocale,
  noticeFacts,
  noticeReason,
  noticeSubject,
  oneLine,
} from '../notice-format.js';
import type { TargetGuard } from '../target-guard.js';
import { deliveryHeaders } from './webhook.js';

/** A Slack incoming-webhook message: `text` for notifications and old clients, blocks for the rest. */
export function slackMessage(delivery: Delivery, locale: NoticeLocale = 'fr') {
  const { notice } = delivery;
  const subject = noticeSubject(notice, locale);
  const reason = noticeReason(notice, locale);
  // The first fact is the kind, already said by the section above them.
  const facts = noticeFacts(notice, locale).slice(1);
  return {
    text: escapeSlack(subject),
    blocks: [
      // plain_text is not parsed for markup, and headers are capped at 150 characters.
      { type: 'header', text: { type: 'plain_text', text: oneLine(subject, 150) } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${kindLabel(notice.kind, locale)}*${reason === '' ? '' : `: ${escapeSlack(oneLine(reason, 1000))}`}`,
        },
      },
      {
        type: 'section',
        fields: facts.map(([label, value]) => ({
          type: 'mrkdwn',
          text: `*${label}*\n${escapeSlack(oneLine(value))}`,
        })),
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Vigie' }] },
    ],
  };
}

/** Posts a Slack message to an incoming-webhook URL. */
export function createSlackSender(options: { guard: TargetGuard; timeoutMs: number }) {
  return function sendSlack(config: UrlConfig, delivery: Delivery): Promise<SendResult> {
    const body = JSON.stringify(slackMessage(delivery, config.locale));
    return guardedPost(options.guard, config.url, body, deliveryHeaders(delivery), options.timeoutMs);
  };
}
