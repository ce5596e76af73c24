import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { ProblemsTable } from '../db/tables/problems.js';

export type ProblemRow = Selectable<ProblemsTable>;

export async function findOpenProblem(db: Kysely<Database>, key: string): Promise<ProblemRow | undefined> {
  return db.selectFrom('problems').selectAll().where('open_key', '=', key).executeTakeFirst();
}

export async function findProblem(db: Kysely<Database>, id: string): Promise<ProblemRow | undefined> {
  return db.selectFrom('problems').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Insert a problem unless one is open for its key (same unique-open-key rule as incidents). */
export async function insertProblemIfNoneOpen(db: Kysely<Database>, row: ProblemRow): Promise<boolean> {
  const result = await db
    .insertInto('problems')
    .values(row)
    .onConflict((oc) => oc.column('open_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Count the incidents linked to a problem and record the newest one. */
export async function refreshProblemCounts(db: Kysely<Database>, id: string, now: number): Promise<void> {
  const row = await db
    .selectFrom('incidents')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('opened_at').as('last')])
    .where('problem_id', '=', id)
    .executeTakeFirstOrThrow();
  await db
    .updateTable('problems')
    .set({ incident_count: Number(row.n), last_incident_at: Number(row.last ?? now), updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Link incidents to a problem. */
export async function linkIncidents(
  db: Kysely<Database>,
  problemId: string,
  incidentIds: string[],
): Promise<void> {
  if (incidentIds.length === 0) return;
  await db.updateTable('incidents').set({ problem_id: problemId }).where('id', 'in', incidentIds).execute();
}

/** Problems, open first, newest activity first. */
export async function listProblems(
  db: Kysely<Database>,
  filter: { state?: ProblemRow['state']; client?: string } = {},
): Promise<ProblemRow[]> {
  let query = db.selectFrom('problems').selectAll().orderBy('last_incident_at', 'desc').limit(500);
  if (filter.state !== undefined) query = query.where('state', '=', filter.state);
  if (filter.client !== undefined) query = query.where('client', '=', filter.client);
  return query.execute();
}
