import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { engineOf } from '../db/dialect.js';
import { markDisconnected } from '../repositories/hosts.js';
import { publish } from './notify.js';

/**
 * Record that this instance now holds the agent's socket: the agent's epoch goes up by one
 * (whichever instance held it before), and the other instances are told so they close their
 * stale socket (LISTEN/NOTIFY on PostgreSQL; the periodic check covers a missed notification).
 * Returns the new epoch.
 */
export async function claimAgentSession(
  db: Kysely<Database>,
  session: { agentId: string; hostId: string; instanceId: string; now: number },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('agent_sessions')
      .values({
        agent_id: session.agentId,
        host_id: session.hostId,
        epoch: 1,
        instance_id: session.instanceId,
        connected_at: session.now,
        disconnected_at: null,
      })
      .onConflict((oc) =>
        oc.column('agent_id').doUpdateSet((eb) => ({
          epoch: eb('agent_sessions.epoch', '+', 1),
          host_id: session.hostId,
          instance_id: session.instanceId,
          connected_at: session.now,
          disconnected_at: null,
        })),
      )
      .returning('epoch')
      .executeTakeFirstOrThrow();
    const epoch = Number(row.epoch);
    await publish(trx, { kind: 'session', agentId: session.agentId, epoch, instanceId: session.instanceId });
    return epoch;
  });
}

/**
 * The socket of this epoch closed: mark the host disconnected, unless a newer connection of the
 * agent (here or on another instance) already took over — then the host is not down at all.
 * True when this was still the agent's current session.
 */
export async function releaseAgentSession(
  db: Kysely<Database>,
  session: { agentId: string; hostId: string; epoch: number; now: number; lastHeardAt?: number | undefined },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const released = await trx
      .updateTable('agent_sessions')
      .set({ disconnected_at: session.now })
      .where('agent_id', '=', session.agentId)
      .where('epoch', '=', session.epoch)
      .where('disconnected_at', 'is', null)
      .executeTakeFirst();
    if (Number(released.numUpdatedRows) !== 1) return false;
    await markDisconnected(trx, session.hostId, session.lastHeardAt ?? session.now);
    return true;
  });
}

/** Why a live session of this instance must close. */
export type StaleReason = 'SUPERSEDED' | 'CREDENTIAL_REVOKED';

/**
 * Of this instance's live sessions (agent → epoch), those that must close: the agent connected
 * since to another instance (a newer epoch), or its credential was revoked.
 */
export async function findStaleSessions(
  db: Kysely<Database>,
  live: ReadonlyMap<string, number>,
): Promise<{ agentId: string; reason: StaleReason }[]> {
  if (live.size === 0) return [];
  const stale: { agentId: string; reason: StaleReason }[] = [];
  const ids = [...live.keys()];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('agents')
      .leftJoin('agent_sessions', 'agent_sessions.agent_id', 'agents.id')
      .select(['agents.id', 'agents.revoked_at', 'agent_sessions.epoch'])
      .where('agents.id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const row of rows) {
      if (row.revoked_at !== null) stale.push({ agentId: row.id, reason: 'CREDENTIAL_REVOKED' });
      else if (row.epoch !== null && Number(row.epoch) > (live.get(row.id) ?? 0))
        stale.push({ agentId: row.id, reason: 'SUPERSEDED' });
    }
  }
  return stale;
}

/** How an instance names its LISTEN connection, so the others can tell it is alive. */
export const instanceApplicationName = (instanceId: string) => `vigie-hub:${instanceId}`.slice(0, 63);

/**
 * Hosts whose agent's socket was held by an instance that is gone (killed: its connections to
 * PostgreSQL closed, so it has no listener in pg_stat_activity) are marked disconnected, so their
 * silence counts on the usual grace from the later of what was last heard (flushed in batches, so
 * a little behind) and `now`, when the cluster knew their agents were free to connect to another
 * instance (their silence baseline, 0023). PostgreSQL only. The sessions rows
 * stay as they are: if the instance was only reconnecting its listener, its sockets' real close
 * still releases them, and {@link reassertLiveHosts} puts its hosts back at its next check.
 */
export async function disconnectGoneInstances(db: Kysely<Database>, now: number): Promise<number> {
  if (engineOf(db) !== 'postgres') return 0;
  const result = await sql`
    update hosts set connected = 0, silence_baseline_at = ${now}
    where connected = 1 and id in (
      select s.host_id from agent_sessions s
      where s.disconnected_at is null
        and not exists (
          select 1 from pg_stat_activity a where a.application_name = 'vigie-hub:' || s.instance_id)
        and not exists (
          select 1 from agent_sessions live
          join pg_stat_activity a on a.application_name = 'vigie-hub:' || live.instance_id
          where live.host_id = s.host_id and live.disconnected_at is null))`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * This instance's live sockets' hosts are connected (another instance may have thought it gone),
 * as long as their session is still open here: a socket whose close is being recorded right now
 * keeps its host disconnected.
 */
export async function reassertLiveHosts(
  db: Kysely<Database>,
  instanceId: string,
  hostIds: readonly string[],
): Promise<number> {
  let updated = 0;
  for (let i = 0; i < hostIds.length; i += 500) {
    const result = await db
      .updateTable('hosts')
      .set({ connected: 1 })
      .where('connected', '=', 0)
      .where('id', 'in', hostIds.slice(i, i + 500))
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('agent_sessions')
            .select('agent_sessions.agent_id')
            .whereRef('agent_sessions.host_id', '=', 'hosts.id')
            .where('agent_sessions.instance_id', '=', instanceId)
            .where('agent_sessions.disconnected_at', 'is', null),
        ),
      )
      .executeTakeFirst();
    updated += Number(result.numUpdatedRows);
  }
  return updated;
}
