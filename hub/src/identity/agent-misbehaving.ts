import type { CloseCodeName } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { SecurityAuditKind } from '../audit/kinds.js';
import { recordSecurityEvent } from '../audit/store.js';
import type { HubDeps } from '../config/deps.js';
import type { Database } from '../db/database.js';
import { lockKeyForTransaction } from '../db/dialect.js';
import type { Signal } from '../incidents/engine/types.js';
import { dedupKey, hostFacts } from '../incidents/facts.js';
import { handleSignal } from '../incidents/handle-signal.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { findHost, type HostRow } from '../repositories/hosts.js';

export const AGENT_MISBEHAVING_CHECK = 'security.agent-misbehaving';

const MINUTE = 60_000;

/**
 * When a host's closes make a ticket. One close is a bug or a burst a technician need not see (it
 * is audited); three in ten minutes means the agent comes back and does it again, each time
 * costing the hub a handshake — worth a look whether it is a broken build or a hostile copy.
 */
export const MISBEHAVING_RULE = Object.freeze({
  closes: 3,
  windowMs: 10 * MINUTE,
  /** No such close for this long: the host behaves again, its ticket gets a recovery. */
  quietMs: 30 * MINUTE,
  /** One audit row per host and kind per minute at most; later closes bump its count. */
  auditRowMs: MINUTE,
});

/** Closes the hub makes because of what an authenticated agent sent, and their audit kind. */
const MISBEHAVIOUR_KINDS = {
  RATE_LIMITED: 'agent.rate-limited',
  PROTOCOL_ERROR: 'agent.protocol-violation',
  INVALID_JSON: 'agent.protocol-violation',
  SCHEMA_VIOLATION: 'agent.protocol-violation',
  DUPLICATE_HELLO: 'agent.protocol-violation',
  FRAME_TOO_LARGE: 'agent.protocol-violation',
} as const satisfies Partial<Record<CloseCodeName, SecurityAuditKind>>;
type MisbehaviourCode = keyof typeof MISBEHAVIOUR_KINDS;
const AUDIT_KINDS = ['agent.rate-limited', 'agent.protocol-violation'] as const;

/** True for a close code the agent earned by what it sent (rate, garbage, schema). */
export function isMisbehaviourClose(code: CloseCodeName): code is MisbehaviourCode {
  return Object.hasOwn(MISBEHAVIOUR_KINDS, code);
}

export interface MisbehaviourClose {
  readonly agentId: string;
  readonly hostId: string;
  readonly code: MisbehaviourCode;
  readonly remoteAddress: string;
}

/** Closes of `hostId` recorded since `since`, from the audit (the count every hub instance shares). */
async function closesSince(db: Kysely<Database>, hostId: string, since: number): Promise<number> {
  const rows = await db
    .selectFrom('security_audit')
    .select('details')
    .where('kind', 'in', AUDIT_KINDS)
    .where('subject', '=', hostId)
    .where('at', '>', since)
    .execute();
  return rows.reduce((sum, row) => sum + closesOf(row.details), 0);
}

function closesOf(details: string): number {
  try {
    const closes = (JSON.parse(details) as { closes?: unknown }).closes;
    return typeof closes === 'number' ? closes : 1;
  } catch {
    return 1;
  }
}

/** Count one close in the host's audit row of this minute, or start one. */
async function auditClose(
  trx: Kysely<Database>,
  deps: Pick<HubDeps, 'clock' | 'random'>,
  host: HostRow,
  close: MisbehaviourClose,
  now: number,
): Promise<void> {
  const kind = MISBEHAVIOUR_KINDS[close.code];
  const recent = await trx
    .selectFrom('security_audit')
    .select(['id', 'details'])
    .where('kind', '=', kind)
    .where('subject', '=', host.id)
    .where('at', '>', now - MISBEHAVING_RULE.auditRowMs)
    .orderBy('at', 'desc')
    .executeTakeFirst();
  if (recent) {
    const details = JSON.parse(recent.details) as Record<string, unknown>;
    const codes = { ...(details.codes as Record<string, number> | undefined) };
    codes[close.code] = (codes[close.code] ?? 0) + 1;
    const bumped = { ...details, closes: closesOf(recent.details) + 1, codes, agentId: close.agentId };
    await trx
      .updateTable('security_audit')
      .set({ details: JSON.stringify(bumped) })
      .where('id', '=', recent.id)
      .execute();
    return;
  }
  const details = { hostname: host.hostname, agentId: close.agentId, closes: 1, codes: { [close.code]: 1 } };
  await recordSecurityEvent(
    { db: trx, clock: () => now, random: deps.random },
    kind === 'agent.rate-limited'
      ? { kind, reason: 'RATE_LIMITED', address: close.remoteAddress, subject: host.id, details }
      : {
          kind,
          reason: close.code as Exclude<MisbehaviourCode, 'RATE_LIMITED'>,
          address: close.remoteAddress,
          subject: host.id,
          details,
        },
  );
}

function misbehavingSignal(
  host: HostRow,
  state: 'warning' | 'ok',
  closes: number,
  now: number,
  code: string | null,
): Signal {
  return {
    key: dedupKey(host.client, host.id, AGENT_MISBEHAVING_CHECK, ''),
    client: host.client,
    site: host.site,
    host: hostFacts(host),
    check: AGENT_MISBEHAVING_CHECK,
    resource: '',
    state,
    observedAt: now,
    // Data, not prose: closes in the window against the rule's count, and the last close code.
    value: closes,
    threshold: MISBEHAVING_RULE.closes,
    message: code,
  };
}

/**
 * The hub closed an authenticated agent for what it sent: audit it (one row per host and kind a
 * minute, counting closes) and, at the rule's count of closes in its window, open (or add an
 * occurrence to) the host's one `security.agent-misbehaving` incident. The count lives in the
 * database, so closes made by several hub instances add up.
 */
export async function reportAgentMisbehaviour(
  deps: Pick<HubDeps, 'db' | 'clock' | 'random' | 'incidents' | 'log'>,
  close: MisbehaviourClose,
): Promise<{ closes: number; incidentId: string | null }> {
  const host = await findHost(deps.db, close.hostId);
  if (!host) return { closes: 0, incidentId: null };
  const now = deps.clock();
  const result = await deps.db.transaction().execute(async (trx) => {
    // Closes of one host wait for each other (several instances on PostgreSQL): no count is lost.
    await lockKeyForTransaction(trx, `misbehaving/${host.id}`);
    await auditClose(trx, deps, host, close, now);
    const closes = await closesSince(trx, host.id, now - MISBEHAVING_RULE.windowMs);
    if (closes < MISBEHAVING_RULE.closes) return { closes, incidentId: null };
    const signal = misbehavingSignal(host, 'warning', closes, now, close.code);
    const outcome = await handleSignal(trx, deps.incidents, signal, now, 'hub');
    return { closes, incidentId: outcome.incidentId };
  });
  if (result.incidentId !== null)
    deps.log.warn(
      { hostId: host.id, agentId: close.agentId, close: close.code, ...result },
      'agent misbehaving',
    );
  return result;
}

/**
 * Recovery for every open `security.agent-misbehaving` incident whose host had no such close for
 * the quiet period; the engine then resolves it after its own quiet period. Returns how many.
 */
export async function sweepAgentMisbehaving(
  db: Kysely<Database>,
  runtime: IncidentRuntime,
  now: number,
): Promise<{ behaving: number }> {
  const open = await db
    .selectFrom('incidents')
    .select(['host_id'])
    .where('check', '=', AGENT_MISBEHAVING_CHECK)
    .where('open_key', 'is not', null)
    .where('recovered_at', 'is', null)
    .execute();
  let behaving = 0;
  for (const { host_id: hostId } of open) {
    if (hostId === null) continue;
    if ((await closesSince(db, hostId, now - MISBEHAVING_RULE.quietMs)) > 0) continue;
    const host = await findHost(db, hostId);
    if (!host) continue;
    const signal = misbehavingSignal(host, 'ok', 0, now, null);
    await db.transaction().execute((trx) => handleSignal(trx, runtime, signal, now, 'hub'));
    behaving += 1;
  }
  return { behaving };
}
