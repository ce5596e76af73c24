import { OPEN_INCIDENT_STATES } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/** Open incidents counted by priority and support level: one grouped query per scrape. */
export async function countOpenIncidents(db: Kysely<Database>) {
  return db
    .selectFrom('incidents')
    .select(['priority', 'level', (eb) => eb.fn.countAll<number>().as('count')])
    .where('state', 'in', [...OPEN_INCIDENT_STATES])
    .groupBy(['priority', 'level'])
    .execute();
}

/** Outbox rows not yet sent (pending, sending) and dead letters, by state: one grouped query. */
export async function countOutbox(db: Kysely<Database>) {
  return db
    .selectFrom('outbox')
    .select(['state', (eb) => eb.fn.countAll<number>().as('count')])
    .where('state', 'in', ['pending', 'sending', 'dead'])
    .groupBy('state')
    .execute();
}
