import { PRIORITIES } from '@vigie/shared';
import type { IncidentNotice, NoticeKind } from '../incidents/notifier.js';

const KIND_LABELS: { readonly [K in NoticeKind]: string } = {
  opened: 'Opened',
  reopened: 'Reopened',
  escalated: 'Escalated',
  priority_raised: 'Priority raised',
  sla_warning: 'SLA warning',
  resolved: 'Resolved',
  recovered: 'Recovered',
};

/** Human label of a notice kind. */
export function kindLabel(kind: NoticeKind): string {
  return KIND_LABELS[kind];
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

/** `[Vigie P5 N3] srv-db-01: Host silent`, with the kind appended unless it is an opening. */
export function noticeSubject(notice: IncidentNotice): string {
  const suffix = notice.kind === 'opened' ? '' : ` (${kindLabel(notice.kind).toLowerCase()})`;
  return oneLine(
    `[Vigie P${notice.priority} ${notice.level}] ${noticeWhere(notice)}: ${notice.title}${suffix}`,
    250,
  );
}

/** The facts every format shows, as label/value pairs (raw: each format escapes them its way). */
export function noticeFacts(notice: IncidentNotice): [string, string][] {
  const check = notice.resource ? `${notice.check} (${notice.resource})` : notice.check;
  return [
    ['What', kindLabel(notice.kind)],
    ['Priority', `P${notice.priority} ${PRIORITIES[notice.priority]}`],
    ['Level', notice.level],
    ['Host', notice.hostname ?? '—'],
    ['Client / site', `${notice.client} / ${notice.site}`],
    ['Check', check],
    ['State', notice.state],
    ['Since', new Date(notice.at).toISOString()],
    ...(notice.recoveredAt !== undefined
      ? [['Recovered at', new Date(notice.recoveredAt).toISOString()] as [string, string]]
      : []),
    ['Incident', notice.incidentId],
    ...(notice.onCall ? [['On call', notice.onCall.name] as [string, string]] : []),
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
