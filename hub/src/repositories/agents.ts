import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { AgentsTable } from '../db/tables/agents.js';

export type AgentRow = Selectable<AgentsTable>;

export async function insertAgent(db: Kysely<Database>, agent: Insertable<AgentsTable>): Promise<void> {
  await db.insertInto('agents').values(agent).execute();
}

export async function findAgent(db: Kysely<Database>, id: string): Promise<AgentRow | undefined> {
  return db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * A hello accepted without a nonce proof: count it, and keep the hello key derived from the secret
 * it carried when the row had none (agents enrolled before 0025 get theirs this way).
 */
export async function recordLegacyHello(
  db: Kysely<Database>,
  agentId: string,
  derived: { helloKey?: string; previousHelloKey?: string },
  now: number,
): Promise<void> {
  await db
    .updateTable('agents')
    .set((eb) => ({
      legacy_hellos: eb('legacy_hellos', '+', 1),
      last_legacy_hello_at: now,
      ...(derived.helloKey !== undefined && {
        hello_key: eb.fn.coalesce('hello_key', eb.val(derived.helloKey)),
      }),
      ...(derived.previousHelloKey !== undefined && {
        previous_hello_key: eb.fn.coalesce('previous_hello_key', eb.val(derived.previousHelloKey)),
      }),
    }))
    .where('id', '=', agentId)
    .execute();
}

/**
 * The host's live credentials and the deprecated handshake (0025): hellos accepted with the bare
 * secret, the last one, and how many credentials the hub has no hello key for (they could not
 * connect once legacy hellos are refused).
 */
export async function legacyHandshakeOf(
  db: Kysely<Database>,
  hostId: string,
): Promise<{ count: number; lastAt: number | null; agentsWithoutHelloKey: number }> {
  const rows = await db
    .selectFrom('agents')
    .select(['legacy_hellos', 'last_legacy_hello_at', 'hello_key'])
    .where('host_id', '=', hostId)
    .where('revoked_at', 'is', null)
    .execute();
  const lastAts = rows.map((row) => row.last_legacy_hello_at).filter((at) => at !== null);
  return {
    count: rows.reduce((sum, row) => sum + Number(row.legacy_hellos), 0),
    lastAt: lastAts.length === 0 ? null : Math.max(...lastAts.map(Number)),
    agentsWithoutHelloKey: rows.filter((row) => row.hello_key === null).length,
  };
}

/** Revoke every credential of a host; returns the agent ids revoked now. */
export async function revokeHostAgents(db: Kysely<Database>, hostId: string, now: number): Promise<string[]> {
  const rows = await db
    .updateTable('agents')
    .set({ revoked_at: now })
    .where('host_id', '=', hostId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

/** Highest committed seq of one boot of an agent (0 when the boot is new). */
export async function committedSeq(db: Kysely<Database>, agentId: string, bootId: string): Promise<number> {
  const row = await db
    .selectFrom('agent_boots')
    .select('committed_seq')
    .where('agent_id', '=', agentId)
    .where('boot_id', '=', bootId)
    .executeTakeFirst();
  return row ? Number(row.committed_seq) : 0;
}

/** Move a boot's committed seq forward (never back). */
export async function advanceCommittedSeq(
  db: Kysely<Database>,
  agentId: string,
  bootId: string,
  seq: number,
  now: number,
): Promise<void> {
  await db
    .insertInto('agent_boots')
    .values({ agent_id: agentId, boot_id: bootId, committed_seq: seq, started_at: now, updated_at: now })
    .onConflict((oc) =>
      oc
        .columns(['agent_id', 'boot_id'])
        .doUpdateSet({ committed_seq: seq, updated_at: now })
        .where('agent_boots.committed_seq', '<', seq),
    )
    .execute();
}
