import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { engineOf } from '../db/dialect.js';
import { setSilenceBaseline } from '../repositories/host-silence.js';
import { disconnectGoneInstances } from './agent-sessions.js';

/**
 * This hub instance listens from `now`: the hosts nobody could hear until now get `now` as their
 * silence baseline, so a hub restart is not counted as their silence (0023). One hub (SQLite):
 * every host. PostgreSQL: every host if no other instance was alive (the cluster was down), else
 * only the hosts of instances that are gone (the living ones could hear the rest all along).
 */
export async function baselineOnListen(db: Kysely<Database>, now: number): Promise<void> {
  if (engineOf(db) !== 'postgres') {
    await setSilenceBaseline(db, now);
    return;
  }
  const { rows } = await sql<{ alive: number }>`
    select count(*)::int as alive from pg_stat_activity
    where datname = current_database() and application_name like 'vigie-hub:%'`.execute(db);
  if (Number(rows[0]?.alive ?? 0) === 0) await setSilenceBaseline(db, now);
  await disconnectGoneInstances(db, now);
}
