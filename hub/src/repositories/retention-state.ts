import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/** A named instant the retention job reached; undefined before its first pass. */
export async function readState(db: Kysely<Database>, name: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('retention_state')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.value);
}

export async function writeState(db: Kysely<Database>, name: string, value: number): Promise<void> {
  await db
    .insertInto('retention_state')
    .values({ name, value })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
    .execute();
}

/** The state name under which the job publishes a tier it maintains (value: how long it is kept). */
export const tierStateName = (stepMs: number) => `tier:${stepMs}`;

/** Tiers the retention job maintains, as it published them: step → keep, finest first. */
export async function publishedTiers(db: Kysely<Database>): Promise<{ stepMs: number; keepMs: number }[]> {
  const rows = await db
    .selectFrom('retention_state')
    .select(['name', 'value'])
    .where('name', 'like', 'tier:%')
    .execute();
  return rows
    .map((row) => ({ stepMs: Number(row.name.slice('tier:'.length)), keepMs: Number(row.value) }))
    .filter((tier) => Number.isInteger(tier.stepMs) && tier.stepMs > 0)
    .sort((a, b) => a.stepMs - b.stepMs);
}
