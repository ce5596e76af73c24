import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/** The parts of an enrolment token an install command needs; undefined when there is no such id. */
export async function findEnrolmentTokenForInstall(
  db: Kysely<Database>,
  id: string,
): Promise<{ id: string; tokenHash: string; role: string | null } | undefined> {
  const row = await db
    .selectFrom('enrolment_tokens')
    .select(['id', 'token_hash', 'role'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { id: row.id, tokenHash: row.token_hash, role: row.role };
}
