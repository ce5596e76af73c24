import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { HeldSignalsTable, HoldReason } from '../db/tables/incidents.js';

export type HeldSignalRow = Selectable<HeldSignalsTable>;

/** Hold a failing signal back from ticketing; a repeat refreshes it and keeps when it started. */
export async function holdSignal(db: Kysely<Database>, row: HeldSignalRow): Promise<void> {
  await db
    .insertInto('held_signals')
    .values(row)
    .onConflict((oc) =>
      oc.column('dedup_key').doUpdateSet({
        reason: row.reason,
        reason_ref: row.reason_ref,
        last_at: row.last_at,
        signal: row.signal,
      }),
    )
    .execute();
}

export async function findHeldSignal(db: Kysely<Database>, key: string): Promise<HeldSignalRow | undefined> {
  return db.selectFrom('held_signals').selectAll().where('dedup_key', '=', key).executeTakeFirst();
}

/** Forget a held signal; true when this call removed it (so two sweeps release it once). */
export async function releaseHeldSignal(db: Kysely<Database>, key: string): Promise<boolean> {
  const result = await db.deleteFrom('held_signals').where('dedup_key', '=', key).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Every held signal for a reason. */
export async function listHeldSignals(db: Kysely<Database>, reason: HoldReason): Promise<HeldSignalRow[]> {
  return db.selectFrom('held_signals').selectAll().where('reason', '=', reason).execute();
}

/** Every held signal of one host. */
export async function listHeldSignalsOnHost(db: Kysely<Database>, hostId: string): Promise<HeldSignalRow[]> {
  return db.selectFrom('held_signals').selectAll().where('host_id', '=', hostId).execute();
}
