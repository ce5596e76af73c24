import type SQLite from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { sqliteHandleOf } from '../db/connect.js';
import type { Database } from '../db/database.js';
import type { HostRow } from './hosts.js';

/**
 * Hosts whose silence has lasted past the cutoffs: disconnected ones past the grace, and connected
 * ones past a longer one (a socket another hub instance left marked connected when it died).
 * Silence counts from the later of the last frame heard and the host's baseline (when the hub
 * could first have heard it again: its start, a takeover). With `ignoreBaseline`, from the last
 * frame alone: whether the host was heard since, which is what ends a silence already open.
 */
export async function listSilentHosts(
  db: Kysely<Database>,
  cutoffs: { disconnectedBefore: number; connectedBefore: number; ignoreBaseline?: boolean },
): Promise<HostRow[]> {
  const before = (cutoff: number) =>
    cutoffs.ignoreBaseline === true
      ? sql<boolean>`last_seen_at < ${cutoff}`
      : sql<boolean>`last_seen_at < ${cutoff} and (silence_baseline_at is null or silence_baseline_at < ${cutoff})`;
  return db
    .selectFrom('hosts')
    .selectAll()
    .where('last_seen_at', 'is not', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('connected', '=', 0), before(cutoffs.disconnectedBefore)]),
        before(cutoffs.connectedBefore),
      ]),
    )
    .execute();
}

/** A host's last heard time, as a live session noted it. */
export interface Heard {
  readonly hostId: string;
  readonly at: number;
}

/** Raise these hosts' last heard time to what their live sessions heard (never lowers it). */
export async function recordLastHeard(db: Kysely<Database>, heard: readonly Heard[]): Promise<void> {
  // One statement per chunk, not one per host: 10 000 live agents flush every few seconds. The
  // join drives from the chunk to each host by its key (UPDATE … FROM, SQLite ≥ 3.33 and
  // PostgreSQL): a correlated `where id in (select … from heard)` scanned the chunk once per row of
  // `hosts`, O(hosts × chunk) — 21 ms of CPU a second for 2 000 idle sockets pinged every 10 s.
  for (let i = 0; i < heard.length; i += 400) {
    const rows = heard.slice(i, i + 400).map((h) => sql`(${h.hostId}, cast(${h.at} as bigint))`);
    await sql`
      with heard(id, at) as (values ${sql.join(rows)})
      update hosts set last_seen_at = heard.at from heard
      where hosts.id = heard.id and (hosts.last_seen_at is null or hosts.last_seen_at < heard.at)`.execute(
      db,
    );
  }
}

/**
 * `recordLastHeard` as the flush runs it: on SQLite, one prepared statement per host (by its key)
 * in one transaction, on the connection Kysely shares; elsewhere `recordLastHeard`. Same meaning.
 * Through Kysely each flush built, compiled and prepared a statement of up to 400 rows anew: ~12 %
 * of the hub's CPU for 2 000 idle sockets pinged every 10 s (docs/decisions/0038).
 */
export function lastHeardRecorder(db: Kysely<Database>): (heard: readonly Heard[]) => Promise<void> {
  const sqlite = sqliteHandleOf(db);
  if (sqlite === undefined) return (heard) => recordLastHeard(db, heard);
  // Prepared on first use: the table exists once the hub has migrated.
  let raise: SQLite.Statement<[number, string, number]> | undefined;
  const raiseAll = sqlite.transaction(
    (statement: SQLite.Statement<[number, string, number]>, heard: readonly Heard[]) => {
      for (const { hostId, at } of heard) statement.run(at, hostId, at);
    },
  );
  return async (heard) => {
    if (heard.length === 0) return;
    // Kysely's connection, so no transaction of its own is open on the handle meanwhile.
    await db.connection().execute(async () => {
      raise ??= sqlite.prepare<[number, string, number]>(
        'update hosts set last_seen_at = ? where id = ? and (last_seen_at is null or last_seen_at < ?)',
      );
      raiseAll(raise, heard);
    });
  };
}

/**
 * From `at` on the hub can hear these hosts (every host when `hostIds` is omitted: a hub that just
 * started listening): their silence is not counted from before it.
 */
export async function setSilenceBaseline(
  db: Kysely<Database>,
  at: number,
  hostIds?: readonly string[],
): Promise<void> {
  if (hostIds === undefined) {
    await db.updateTable('hosts').set({ silence_baseline_at: at }).execute();
    return;
  }
  for (let i = 0; i < hostIds.length; i += 500)
    await db
      .updateTable('hosts')
      .set({ silence_baseline_at: at })
      .where('id', 'in', hostIds.slice(i, i + 500))
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

/**
 * Move forward to `at` the baseline of the hosts given one at or after `since` (this hub's start)
 * and not heard since: the hub was still re-admitting its fleet at `at`, so their silence cannot
 * have started before it (0023). Hosts heard since their baseline are left alone.
 */
export async function holdSilenceBaseline(
  db: Kysely<Database>,
  hold: { since: number; at: number },
): Promise<void> {
  await db
    .updateTable('hosts')
    .set({ silence_baseline_at: hold.at })
    .where('connected', '=', 0)
    .where('silence_baseline_at', '>=', hold.since)
    .where('silence_baseline_at', '<', hold.at)
    .where((eb) =>
      eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', eb.ref('silence_baseline_at'))]),
    )
    .execute();
}
