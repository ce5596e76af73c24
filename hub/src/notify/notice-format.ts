import { PRIORITIES } from '@vigie/shared';
import type { IncidentNotice, NoticeKind } from '../incidents/notifier.js';
import { INTERNAL_ID } from '../incidents/text/codes.js';
import { formatDate } from '../incidents/text/format.js';
import { checkLabel, incidentTitle, renderReason, wordsOf } from '../incidents/text/render.js';

/** A channel's language (`locale` in its config; French when it has none). */
export type NoticeLocale = 'fr' | 'en';

/** Human label of a notice kind, in the channel's language. */
export function kindLabel(kind: NoticeKind, locale: NoticeLocale = 'fr'): string {
  return wordsOf(locale).noticeKinds[kind] ?? kind;
}

/** Incident strings come from agents and inventories: no control characters in one-line places. */
export function oneLine(text: string, max = 200): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Where the fault is: the host name, or client/site for site-wide incidents. */
export function noticeWhere(notice: IncidentNotice): string {
  return notice.hostname ?? `${notice.client}/${notice.site}`;
}

/** The notice's incident title in the channel's language (its English title when it has no code). */
export function noticeTitle(notice: IncidentNotice, locale: NoticeLocale = 'fr'): string {
  return incidentTitle(
    { title: notice.title, title_code: notice.titleCode ?? null, title_params: notice.titleParams ?? null },
    locale,
  );
}

/**
 * Why, in the channel's language: the engine's reasons are English sentences, shown as they are
 * to English channels and, to others, only when the reason is one the text tables translate.
 */
export function noticeReason(notice: IncidentNotice, locale: NoticeLocale = 'fr'): string {
  if (notice.reasonCode !== undefined)
    return (
      renderReason(notice.reasonCode, notice.reasonParams ?? {}, locale) ||
      (locale === 'en' ? notice.reason : '')
    );
  if (locale === 'en') return notice.reason;
  return wordsOf(locale).reasons[notice.reason] ?? '';
}

/** `[Vigie P5 N3] srv-db-01: Machine silencieuse sur srv-db-01`, the kind appended unless an opening. */
export function noticeSubject(notice: IncidentNotice, locale: NoticeLocale = 'fr'): string {
  const suffix = notice.kind === 'opened' ? '' : ` (${kindLabel(notice.kind, locale).toLowerCase()})`;
  return oneLine(
    `[Vigie P${notice.priority} ${notice.level}] ${noticeWhere(notice)}: ${noticeTitle(notice, locale)}${suffix}`,
    250,
  );
}

/** The facts every format shows, as label/value pairs (raw: each format escapes them its way). */
export function noticeFacts(notice: IncidentNotice, locale: NoticeLocale = 'fr'): [string, string][] {
  const w = wordsOf(locale);
  const resource = notice.resource === '' || INTERNAL_ID.test(notice.resource) ? '' : ` (${notice.resource})`;
  return [
    [w.facts.what ?? 'What', kindLabel(notice.kind, locale)],
    [w.facts.priority ?? 'Priority', `P${notice.priority} ${PRIORITIES[notice.priority]}`],
    [w.facts.level ?? 'Level', notice.level],
    [w.facts.host ?? 'Host', notice.hostname ?? '—'],
    [w.facts.where ?? 'Client / site', `${notice.client} / ${notice.site}`],
    [w.facts.check ?? 'Check', `${checkLabel(w, notice.check)}${resource}`],
    [w.facts.state ?? 'State', w.states[notice.state] ?? notice.state],
    [w.facts.since ?? 'Since', formatDate(w, notice.at, undefined)],
    ...(notice.recoveredAt !== undefined
      ? [
          [w.facts.recoveredAt ?? 'Recovered at', formatDate(w, notice.recoveredAt, undefined)] as [
            string,
            string,
          ],
        ]
      : []),
    ...(notice.onCall ? [[w.facts.onCall ?? 'On call', notice.onCall.name] as [string, string]] : []),
  ];
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape text for HTML element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** Escape text for Slack mrkdwn, where `<…>` makes links and mentions (`<!channel>`). */
export function escapeSlack(text: string): string {
  return text.replace(/[&<>]/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}
