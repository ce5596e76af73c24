import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { HostRow } from './hosts.js';

/**
 * Hosts not heard from since the cutoffs: disconnected ones past the grace, and connected ones
 * silent far longer (a socket another hub instance left marked connected when it died). The
 * cutoffs are parameters computed from the hub's clock; PostgreSQL may replace them with now().
 */
export async function listSilentHosts(
  db: Kysely<Database>,
  cutoffs: { disconnectedBefore: number; connectedBefore: number },
): Promise<HostRow[]> {
  return db
    .selectFrom('hosts')
    .selectAll()
    .where('last_seen_at', 'is not', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('connected', '=', 0), eb('last_seen_at', '<', cutoffs.disconnectedBefore)]),
        eb('last_seen_at', '<', cutoffs.connectedBefore),
      ]),
    )
    .execute();
}

/** An open `host.silent` incident, as the silence sweep needs it (not the whole row). */
export interface OpenSilence {
  readonly id: string;
  readonly client: string;
  readonly host_id: string | null;
  readonly parent_id: string | null;
  readonly recovered_at: number | null;
}

/** Every open `host.silent` incident, narrow: thousands of them while a fleet is unreachable. */
export async function listOpenSilences(db: Kysely<Database>): Promise<OpenSilence[]> {
  return db
    .selectFrom('incidents')
    .select(['id', 'client', 'host_id', 'parent_id', 'recovered_at'])
    .where('check', '=', 'host.silent')
    .where('open_key', 'is not', null)
    .execute();
}
