import type { Kysely } from 'kysely';
import type { HubDeps } from '../config/deps.js';
import type { Database } from '../db/database.js';
import { generateId } from '../security/secrets.js';
import type { SecurityAuditKind, SecurityAuditReason } from './kinds.js';

/** One signal to record; `reason` must be one its kind allows. */
export type SecurityEventInput = {
  [K in SecurityAuditKind]: {
    readonly kind: K;
    readonly reason: SecurityAuditReason<K>;
    readonly address?: string | undefined;
    readonly actor?: string | undefined;
    readonly subject?: string | undefined;
    readonly details?: Readonly<Record<string, unknown>>;
  };
}[SecurityAuditKind];

/** A recorded signal, as the API and the console read it. */
export interface SecurityEvent {
  readonly id: string;
  readonly at: number;
  readonly kind: SecurityAuditKind;
  readonly reason: SecurityAuditReason;
  readonly address: string | null;
  readonly actor: string | null;
  readonly subject: string | null;
  readonly details: Record<string, unknown>;
}

/** Most rows one page reads. */
export const MAX_AUDIT_PAGE = 200;

/** Record one security signal (inside the caller's transaction when `db` is one). */
export async function recordSecurityEvent(
  deps: Pick<HubDeps, 'db' | 'clock' | 'random'>,
  event: SecurityEventInput,
): Promise<void> {
  await deps.db
    .insertInto('security_audit')
    .values({
      id: generateId('aud', deps.random),
      at: deps.clock(),
      kind: event.kind,
      reason: event.reason,
      address: event.address ?? null,
      actor: event.actor ?? null,
      subject: event.subject ?? null,
      details: JSON.stringify(event.details ?? {}),
    })
    .execute();
}

/** The newest signals first, `limit` from `offset`, of one kind or all; `total` counts them all. */
export async function listSecurityEvents(
  db: Kysely<Database>,
  query: { kind?: SecurityAuditKind | undefined; limit: number; offset: number },
): Promise<{ events: SecurityEvent[]; total: number }> {
  let base = db.selectFrom('security_audit');
  if (query.kind !== undefined) base = base.where('kind', '=', query.kind);
  const rows = await base
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(query.limit, MAX_AUDIT_PAGE))
    .offset(query.offset)
    .execute();
  const counted = await base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst();
  return {
    events: rows.map((row) => ({
      id: row.id,
      at: Number(row.at),
      kind: row.kind as SecurityAuditKind,
      reason: row.reason as SecurityAuditReason,
      address: row.address,
      actor: row.actor,
      subject: row.subject,
      details: parseDetails(row.details),
    })),
    total: Number(counted?.n ?? 0),
  };
}

function parseDetails(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Forget signals older than `before` (the audit is kept for a bounded time, like samples). */
export async function pruneSecurityEvents(db: Kysely<Database>, before: number): Promise<number> {
  const result = await db.deleteFrom('security_audit').where('at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
