import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/**
 * How long a host must have been out of contact before an enrolment with its fingerprint may take
 * it over with its credential still live. Shorter, and a clone enrolling while its original is
 * briefly offline would capture the original's history; revoke the host first to reinstall sooner.
 */
export const REATTACH_AFTER_SILENT_MS = 60 * 60_000;

/** What decides whether an existing host is the machine now enrolling, re-installed. */
export interface HostCandidate {
  readonly id: string;
  readonly connected: number;
  readonly lastSeenAt: number | null;
  readonly firstSeenAt: number;
  /** Agents of the host whose credential is not revoked. */
  readonly liveAgents: number;
}

/**
 * The host a re-installed machine gets back, among the hosts of the same client with the same
 * fingerprint: one whose credentials were all revoked (an admin retired it), or one that has been
 * silent for `silentForMs` (its agent is gone). A host still in contact means the enrolling
 * machine is a clone of it (same image, same machine-id): it becomes a host of its own. Of several
 * candidates, the one seen last. Pure, so the rule is tested without a database.
 */
export function chooseReattachTarget(
  candidates: readonly HostCandidate[],
  now: number,
  silentForMs = REATTACH_AFTER_SILENT_MS,
): HostCandidate | undefined {
  const eligible = candidates.filter((host) => {
    if (host.liveAgents === 0) return true;
    if (host.connected === 1) return false;
    const lastContact = host.lastSeenAt ?? host.firstSeenAt;
    return now - lastContact >= silentForMs;
  });
  const seen = (host: HostCandidate) => host.lastSeenAt ?? host.firstSeenAt;
  return eligible.sort((a, b) => seen(b) - seen(a) || a.id.localeCompare(b.id))[0];
}

/** Hosts of a client bound to a fingerprint, with how many live credentials each has. */
export async function listHostCandidates(
  db: Kysely<Database>,
  match: { fingerprint: string; client: string },
): Promise<HostCandidate[]> {
  const rows = await db
    .selectFrom('hosts')
    .leftJoin('agents', (join) =>
      join.onRef('agents.host_id', '=', 'hosts.id').on('agents.revoked_at', 'is', null),
    )
    .select((eb) => [
      'hosts.id',
      'hosts.connected',
      'hosts.last_seen_at',
      'hosts.first_seen_at',
      eb.fn.count<number>('agents.id').as('live_agents'),
    ])
    .where('hosts.fingerprint', '=', match.fingerprint)
    .where('hosts.client', '=', match.client)
    .groupBy(['hosts.id', 'hosts.connected', 'hosts.last_seen_at', 'hosts.first_seen_at'])
    .execute();
  return rows.map((row) => ({
    id: row.id,
    connected: Number(row.connected),
    lastSeenAt: row.last_seen_at === null ? null : Number(row.last_seen_at),
    firstSeenAt: Number(row.first_seen_at),
    liveAgents: Number(row.live_agents),
  }));
}
