import { INTERNAL_ID } from './codes.js';
import { formatDate, formatDuration, formatNumber, formatValue } from './format.js';
import { remediationParts } from './remediation-words.js';
import { checkLabel, wordsOf } from './render.js';
import type { Words } from './words.js';

/** A timeline event as stored: its kind is the code, its JSON detail the parameters. */
export interface StoredEvent {
  readonly kind: string;
  readonly actor: string;
  readonly detail: string;
}

/** Who acted, in words: a technician by name, the engine as Vigie. */
export function renderActor(actor: string, locale: string): string {
  const w = wordsOf(locale);
  if (actor.startsWith('user:')) return actor.slice('user:'.length);
  if (actor === 'rule:sla') return w.actors.sla;
  if (actor === 'rule:escalation') return w.actors.escalation;
  return w.actors.system;
}

type Detail = Record<string, unknown>;
const isFromTo = (v: unknown): v is { from: unknown; to: unknown } =>
  v !== null && typeof v === 'object' && 'from' in v && 'to' in v;

function change(v: unknown, show: (x: unknown) => string): string {
  if (isFromTo(v)) return `${show(v.from)} → ${show(v.to)}`;
  return show(v);
}

function reasonText(w: Words, reason: unknown, byHand: boolean): string | undefined {
  if (typeof reason !== 'string' || reason === '') return undefined;
  const known = w.reasons[reason];
  if (known !== undefined) return known;
  const updated = /^(host|device) updated by (.+)$/.exec(reason);
  if (updated) return w.updatedBy(updated[1] ?? 'host', updated[2] ?? '');
  // A technician's own words are shown as written; the engine's unknown English is not.
  return byHand ? reason : undefined;
}

function roleText(w: Words, role: unknown, tags: unknown): string | undefined {
  if (typeof role !== 'string') return undefined;
  const name = w.roles[role] ?? role;
  const production = Array.isArray(tags) && tags.includes('production');
  return production ? `${name} ${w.production}` : name;
}

/**
 * One timeline detail in the reader's language: the fields the engine writes for each kind,
 * formatted (dates in the reader's time zone, figures with units, level changes `N3 → N2`),
 * technicians' text verbatim — never an epoch, a JSON fragment or an internal id.
 */
export function renderEventDetail(
  event: StoredEvent,
  ctx: { locale: string; timeZone?: string; check: string },
): string {
  const w = wordsOf(ctx.locale);
  let d: Detail;
  try {
    const parsed: unknown = JSON.parse(event.detail);
    d = parsed !== null && typeof parsed === 'object' ? (parsed as Detail) : {};
  } catch {
    return '';
  }
  const date = (v: unknown) => (typeof v === 'number' && v > 0 ? formatDate(w, v, ctx.timeZone) : '—');
  const plain = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '—');
  const parts: string[] = [];
  const add = (label: string | undefined, text: string | undefined) => {
    if (text === undefined || text === '' || INTERNAL_ID.test(text)) return;
    parts.push(label === undefined ? text : `${label} ${text}`);
  };
  const byHand = event.actor.startsWith('user:');
  const f = (key: string) => `${w.field[key] ?? key}${w.colon.trimEnd()}`;
  const quoted = (name: string) => (w.intl.startsWith('fr') ? `« ${name} »` : `"${name}"`);

  // N0 kinds word their own fields (action, attempt, outcome, reason): decision 0029.
  if (event.kind.startsWith('remediation_')) return remediationParts(event.kind, d, ctx.locale).join(' · ');
  if (typeof d.text === 'string') parts.push(d.text);
  if (typeof d.description === 'string') parts.push(d.description);
  if (typeof d.assignee === 'string') add(f('assignee'), d.assignee);
  if (typeof d.severity === 'string') add(f('severity'), w.severity[d.severity] ?? d.severity);
  if (d.priority !== undefined)
    add(
      f('priority'),
      change(d.priority, (p) => `P${plain(p)}`),
    );
  if (d.urgency !== undefined && !isFromTo(d.urgency)) add(f('urgency'), plain(d.urgency));
  if (d.impact !== undefined) add(f('impact'), change(d.impact, plain));
  if (d.level !== undefined) add(f('level'), change(d.level, plain));
  if (typeof d.route === 'string') add(f('route'), d.route === 'default' ? w.defaultRoute : quoted(d.route));
  if (typeof d.value === 'number') {
    const value = formatValue(w, ctx.check, d.value);
    const threshold =
      typeof d.threshold === 'number'
        ? ` (${w.field.threshold} ${formatValue(w, ctx.check, d.threshold)})`
        : '';
    add(f('value'), `${value}${threshold}`);
  }
  if (typeof d.observedAt === 'number' && d.observedAt > 0) add(w.field.observedAt, date(d.observedAt));
  if (typeof d.clock === 'string') add(undefined, w.clocks[d.clock] ?? undefined);
  if (typeof d.dueAt === 'number') add(f('dueAt'), date(d.dueAt));
  if (typeof d.resolution === 'string') add(undefined, w.resolution[d.resolution]);
  if (d.clock === undefined) add(undefined, reasonText(w, d.cause ?? d.reason, byHand));
  if (typeof d.role === 'string') add(undefined, roleText(w, d.role, d.tags));
  if (typeof d.heldSince === 'number') add(w.field.heldSince, date(d.heldSince));
  if (typeof d.policy === 'string') add(f('policy'), d.policy);
  if (typeof d.n === 'number') add(undefined, w.notice(d.n));
  if (typeof d.unacknowledgedMs === 'number' && d.unacknowledgedMs > 0)
    add(undefined, w.unacknowledged(formatDuration(w, d.unacknowledgedMs)));
  if (Array.isArray(d.targets)) {
    const levels = d.targets.filter((t): t is string => typeof t === 'string' && /^N[0-3]$/.test(t));
    const channels = d.targets.length - levels.length;
    add(undefined, [...levels, ...(channels > 0 ? [w.channels(channels)] : [])].join(', '));
  }
  if (d.storm === true && typeof d.cap === 'number' && typeof d.periodMs === 'number')
    add(undefined, w.storming(d.cap, formatDuration(w, d.periodMs)));
  if (typeof d.calendar === 'string') add(f('calendar'), d.calendar);
  for (const clock of ['own', 'resolve'] as const) {
    const due = (d[clock] as Detail | undefined)?.dueAt;
    if (isFromTo(due)) add(`${w.clocks[clock]}${w.colon.trimEnd()}`, `${date(due.from)} → ${date(due.to)}`);
  }
  if (typeof d.incidentsInWindow === 'number') add(undefined, w.inWindow(d.incidentsInWindow));
  if (typeof d.hostname === 'string') add(f('host'), d.hostname);
  if (typeof d.check === 'string') add(undefined, checkLabel(w, d.check));
  if (typeof d.lossPct === 'number') add(undefined, `${formatNumber(w, d.lossPct)} %`);
  return parts.join(' · ');
}
