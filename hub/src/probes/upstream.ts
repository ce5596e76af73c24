import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/**
 * The open, not recovering `probe.down` incident of the device in front of a host (`hosts.behind`),
 * if any: while the firewall is down, what lies behind it cannot tell its own faults from the
 * firewall's, so the engine holds them as inhibited by that incident.
 */
export async function upstreamDownIncident(db: Kysely<Database>, hostId: string): Promise<string | null> {
  const row = await db
    .selectFrom('hosts as h')
    .innerJoin('incidents as i', 'i.host_id', 'h.behind')
    .select('i.id')
    .where('h.id', '=', hostId)
    .where('i.check', '=', 'probe.down')
    .where('i.open_key', 'is not', null)
    .where('i.recovered_at', 'is', null)
    .orderBy('i.opened_at')
    .executeTakeFirst();
  return row?.id ?? null;
}
