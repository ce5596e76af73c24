import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { HostUpdatesTable } from '../db/tables/inventory-history.js';

export type HostUpdatesRow = Selectable<HostUpdatesTable>;

/** What a snapshot says about updates. */
export interface UpdateFacts {
  readonly manager: string | null;
  readonly pending: number | null;
  readonly security: number | null;
  readonly rebootRequired: boolean;
}

/**
 * Store a host's pending updates. `security_since` keeps the first time security updates were
 * seen pending, and is cleared once none are, so their age counts from the hub's first sight.
 */
export async function recordHostUpdates(
  db: Kysely<Database>,
  hostId: string,
  facts: UpdateFacts,
  now: number,
): Promise<void> {
  const before = await findHostUpdates(db, hostId);
  const securityPending = (facts.security ?? 0) > 0;
  const since = securityPending ? (before?.security_since ?? now) : null;
  const row = {
    manager: facts.manager,
    pending: facts.pending,
    security: facts.security,
    reboot_required: facts.rebootRequired ? 1 : 0,
    security_since: since,
    updated_at: now,
  };
  await db
    .insertInto('host_updates')
    .values({ host_id: hostId, ...row })
    .onConflict((oc) => oc.column('host_id').doUpdateSet(row))
    .execute();
}

export async function findHostUpdates(
  db: Kysely<Database>,
  hostId: string,
): Promise<HostUpdatesRow | undefined> {
  return db.selectFrom('host_updates').selectAll().where('host_id', '=', hostId).executeTakeFirst();
}

/** Every host's update state (the sweep judges them all). */
export async function listHostUpdates(db: Kysely<Database>): Promise<HostUpdatesRow[]> {
  return db.selectFrom('host_updates').selectAll().execute();
}
