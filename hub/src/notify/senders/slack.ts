import type { UrlConfig } from '../channel-config.js';
import type { Delivery, SendResult } from '../delivery.js';
import { guardedPost } from '../http-post.js';
import { escapeSlack, kindLabel, noticeFacts, noticeSubject, oneLine } from '../notice-format.js';
import type { TargetGuard } from '../target-guard.js';
import { deliveryHeaders } from './webhook.js';

/** A Slack incoming-webhook message: `text` for notifications and old clients, blocks for the rest. */
export function slackMessage(delivery: Delivery) {
  const { notice } = delivery;
  const subject = noticeSubject(notice);
  const facts = noticeFacts(notice).filter(([label]) => label !== 'What');
  return {
    text: escapeSlack(subject),
    blocks: [
      // plain_text is not parsed for markup, and headers are capped at 150 characters.
      { type: 'header', text: { type: 'plain_text', text: oneLine(subject, 150) } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${kindLabel(notice.kind)}*: ${escapeSlack(oneLine(notice.reason, 1000))}`,
        },
      },
      {
        type: 'section',
        fields: facts.map(([label, value]) => ({
          type: 'mrkdwn',
          text: `*${label}*\n${escapeSlack(oneLine(value))}`,
        })),
      },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `Vigie · delivery ${escapeSlack(oneLine(delivery.deliveryKey))}` },
        ],
      },
    ],
  };
}

/** Posts a Slack message to an incoming-webhook URL. */
export function createSlackSender(options: { guard: TargetGuard; timeoutMs: number }) {
  return function sendSlack(config: UrlConfig, delivery: Delivery): Promise<SendResult> {
    const body = JSON.stringify(slackMessage(delivery));
    return guardedPost(options.guard, config.url, body, deliveryHeaders(delivery), options.timeoutMs);
  };
}
