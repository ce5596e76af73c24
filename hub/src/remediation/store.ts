import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../db/database.js';
import {
  ACTIVE_REMEDIATION_STATES,
  type RemediationAttemptsTable,
  type RemediationState,
  type RemediationsTable,
} from '../db/tables/remediations.js';

export type RemediationRow = Selectable<RemediationsTable>;
export type RemediationAttemptRow = Selectable<RemediationAttemptsTable>;

/** Numbers come back as strings from PostgreSQL bigint columns: read them as numbers. */
function normalise(row: RemediationRow): RemediationRow {
  return {
    ...row,
    next_at: Number(row.next_at),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
    ended_at: row.ended_at === null ? null : Number(row.ended_at),
    recovered_at: row.recovered_at === null ? null : Number(row.recovered_at),
  };
}

export async function insertRemediation(
  db: Kysely<Database>,
  row: Insertable<RemediationsTable>,
): Promise<void> {
  await db.insertInto('remediations').values(row).execute();
}

/** The episode of a dedup key still running, if any (at most one: the service opens one at a time). */
export async function findActiveRemediation(
  db: Kysely<Database>,
  key: string,
): Promise<RemediationRow | undefined> {
  const row = await db
    .selectFrom('remediations')
    .selectAll()
    .where('dedup_key', '=', key)
    .where('state', 'in', [...ACTIVE_REMEDIATION_STATES])
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && normalise(row);
}

export async function findRemediation(db: Kysely<Database>, id: string): Promise<RemediationRow | undefined> {
  const row = await db.selectFrom('remediations').selectAll().where('id', '=', id).executeTakeFirst();
  return row && normalise(row);
}

/** Running episodes whose next step is due, oldest first. */
export async function listDueRemediations(
  db: Kysely<Database>,
  now: number,
  limit: number,
): Promise<RemediationRow[]> {
  const rows = await db
    .selectFrom('remediations')
    .selectAll()
    .where('state', 'in', [...ACTIVE_REMEDIATION_STATES])
    .where('next_at', '<=', now)
    .orderBy('next_at')
    .limit(limit)
    .execute();
  return rows.map(normalise);
}

/** Change an episode if it is still in `expected` state (a second hub or tick lost the race: false). */
export async function updateRemediation(
  db: Kysely<Database>,
  id: string,
  changes: Updateable<RemediationsTable>,
  expected: RemediationState,
): Promise<boolean> {
  const result = await db
    .updateTable('remediations')
    .set(changes)
    .where('id', '=', id)
    .where('state', '=', expected)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function insertAttempt(
  db: Kysely<Database>,
  row: Insertable<RemediationAttemptsTable>,
): Promise<void> {
  await db.insertInto('remediation_attempts').values(row).execute();
}

export async function findAttempt(
  db: Kysely<Database>,
  id: string,
): Promise<RemediationAttemptRow | undefined> {
  return db.selectFrom('remediation_attempts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Record an agent's answer once; false if the attempt was already answered (a resent message). */
export async function answerAttempt(
  db: Kysely<Database>,
  id: string,
  answer: Pick<RemediationAttemptsTable, 'result_at' | 'outcome' | 'reason' | 'detail'>,
): Promise<boolean> {
  const result = await db
    .updateTable('remediation_attempts')
    .set(answer)
    .where('id', '=', id)
    .where('outcome', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Attempts sent for one check of one host since `since`: the hub's own bound. */
export async function countAttemptsSince(
  db: Kysely<Database>,
  key: { hostId: string; check: string; resource: string },
  since: number,
): Promise<number> {
  const row = await db
    .selectFrom('remediation_attempts')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('host_id', '=', key.hostId)
    .where('check', '=', key.check)
    .where('resource', '=', key.resource)
    .where('sent_at', '>', since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function listAttempts(
  db: Kysely<Database>,
  remediationId: string,
): Promise<RemediationAttemptRow[]> {
  return db
    .selectFrom('remediation_attempts')
    .selectAll()
    .where('remediation_id', '=', remediationId)
    .orderBy('attempt')
    .execute();
}

/** Episodes N0 closed as `succeeded` in [from, to), by client, check and level (the service report). */
export async function countSucceeded(
  db: Kysely<Database>,
  filter: { client?: string | undefined; from: number; to: number },
): Promise<Array<{ client: string; check: string; level: string; n: number }>> {
  let query = db
    .selectFrom('remediations')
    .select(['client', 'check', 'level', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('state', '=', 'succeeded')
    .where('incident_id', 'is not', null)
    .where('ended_at', '>=', filter.from)
    .where('ended_at', '<', filter.to)
    .groupBy(['client', 'check', 'level']);
  if (filter.client !== undefined) query = query.where('client', '=', filter.client);
  const rows = await query.execute();
  return rows.map((row) => ({ client: row.client, check: row.check, level: row.level, n: Number(row.n) }));
}
