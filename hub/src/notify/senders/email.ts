import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { EmailConfig } from '../channel-config.js';
import type { Delivery, SendResult } from '../delivery.js';
import {
  escapeHtml,
  kindLabel,
  type NoticeLocale,
  noticeFacts,
  noticeReason,
  noticeSubject,
  oneLine,
} from '../notice-format.js';

/** The hub's SMTP relay (VIGIE_SMTP_*); recipients belong to each channel. */
export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (port 465); otherwise STARTTLS is used when the server offers it. */
  readonly secure: boolean;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly from: string;
}

/** What the e-mail sender needs from nodemailer; injected so tests can also use a stub. */
export type SendMail = (message: {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
}) => Promise<unknown>;

/** A nodemailer SMTP transport with every phase bounded by the delivery timeout. */
export function smtpSendMail(smtp: SmtpSettings, timeoutMs: number): SendMail {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user !== undefined ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return (message) => transport.sendMail(message);
}

/** Same key, same Message-ID: mail clients and ticketing gateways drop the resend. */
export function messageIdFor(deliveryKey: string, from: string): string {
  const domain = /@([a-z0-9.-]+)>?\s*$/i.exec(from)?.[1] ?? 'vigie.invalid';
  return `<${createHash('sha256').update(deliveryKey).digest('hex').slice(0, 32)}.vigie@${domain}>`;
}

/** Plain-text body: one fact per line. */
export function emailText(delivery: Delivery, locale: NoticeLocale = 'fr'): string {
  const { notice } = delivery;
  const reason = noticeReason(notice, locale);
  const why = `${kindLabel(notice.kind, locale)}${reason === '' ? '' : `: ${oneLine(reason, 1000)}`}`;
  const lines = [noticeSubject(notice, locale), '', why, ''];
  for (const [label, value] of noticeFacts(notice, locale)) lines.push(`${label}: ${oneLine(value)}`);
  return `${lines.join('\n')}\n`;
}

/** HTML body; every string from the incident is escaped (hostnames and titles are untrusted). */
export function emailHtml(delivery: Delivery, locale: NoticeLocale = 'fr'): string {
  const { notice } = delivery;
  const reason = noticeReason(notice, locale);
  const rows = noticeFacts(notice, locale)
    .map(
      ([label, value]) =>
        `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join('');
  return [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2>${escapeHtml(noticeSubject(notice, locale))}</h2>`,
    `<p><strong>${escapeHtml(kindLabel(notice.kind, locale))}</strong>${reason === '' ? '' : `: ${escapeHtml(reason)}`}</p>`,
    `<table>${rows}</table>`,
    '</body></html>',
  ].join('\n');
}

/** SMTP replies 5xx are permanent; 4xx and connection trouble are worth another attempt. */
function failureOf(error: unknown): SendResult {
  const code = (error as { responseCode?: unknown }).responseCode;
  const message = error instanceof Error ? error.message : String(error);
  return {
    ok: false,
    error: `SMTP: ${oneLine(message, 500)}`,
    retryable: !(typeof code === 'number' && code >= 500),
  };
}

/** The channel's recipients, plus the person on call when the channel asks for them. */
export function recipientsOf(config: EmailConfig, delivery: Delivery): string[] {
  const extra = config.includeOnCall ? delivery.notice.onCall?.email : undefined;
  return extra && !config.recipients.includes(extra) ? [...config.recipients, extra] : config.recipients;
}

/** Sends the notice by e-mail to the channel's recipients, or says SMTP is not configured. */
export function createEmailSender(options: { from: string; sendMail: SendMail | undefined }) {
  return async function sendEmail(config: EmailConfig, delivery: Delivery): Promise<SendResult> {
    if (!options.sendMail)
      return { ok: false, error: 'SMTP is not configured (VIGIE_SMTP_HOST)', retryable: false };
    try {
      await options.sendMail({
        from: options.from,
        to: recipientsOf(config, delivery),
        subject: noticeSubject(delivery.notice, config.locale),
        text: emailText(delivery, config.locale),
        html: emailHtml(delivery, config.locale),
        messageId: messageIdFor(delivery.deliveryKey, options.from),
        headers: {
          'X-Vigie-Delivery-Key': oneLine(delivery.deliveryKey, 500),
          'X-Vigie-Attempt': String(delivery.attempt),
        },
      });
      return { ok: true };
    } catch (error) {
      return failureOf(error);
    }
  };
}
