import { createHmac } from 'node:crypto';
import type { WebhookConfig } from '../channel-config.js';
import { type Delivery, type SendResult, TEST_KEY_PREFIX } from '../delivery.js';
import { guardedPost } from '../http-post.js';
import { type NoticeLocale, noticeReason, noticeSubject } from '../notice-format.js';
import type { TargetGuard } from '../target-guard.js';

/** Headers every webhook-like delivery carries so receivers can deduplicate. */
export function deliveryHeaders(delivery: Delivery): Record<string, string> {
  return {
    'idempotency-key': delivery.deliveryKey,
    'x-vigie-delivery-key': delivery.deliveryKey,
    'x-vigie-attempt': String(delivery.attempt),
  };
}

/**
 * The generic JSON body. It is the same on every attempt (the attempt number is a header), so a
 * receiver that compares bodies per Idempotency-Key sees a true replay.
 */
export function webhookBody(delivery: Delivery, locale: NoticeLocale = 'fr') {
  const { notice } = delivery;
  const reason = noticeReason(notice, locale);
  return {
    type: 'vigie.incident.notice',
    version: 1,
    deliveryKey: delivery.deliveryKey,
    test: delivery.deliveryKey.startsWith(TEST_KEY_PREFIX),
    notice,
    // The machine fields above stay; this is what a person reads, in the channel's language.
    locale,
    text: `${noticeSubject(notice, locale)}${reason === '' ? '' : ` — ${reason}`}`,
  };
}

/** `sha256=<hex>` HMAC of the exact body bytes, as GitHub-style receivers verify. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Sends the generic JSON payload, signed with the channel's secret when it has one. */
export function createWebhookSender(options: { guard: TargetGuard; timeoutMs: number }) {
  return function sendWebhook(config: WebhookConfig, delivery: Delivery): Promise<SendResult> {
    const body = JSON.stringify(webhookBody(delivery, config.locale));
    const headers = deliveryHeaders(delivery);
    if (config.secret !== undefined) headers['x-vigie-signature'] = signBody(config.secret, body);
    return guardedPost(options.guard, config.url, body, headers, options.timeoutMs);
  };
}
