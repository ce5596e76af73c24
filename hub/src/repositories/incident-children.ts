import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/** The ids of each given parent's children, oldest first. */
export async function listChildIds(
  db: Kysely<Database>,
  parentIds: readonly string[],
): Promise<Map<string, string[]>> {
  const byParent = new Map<string, string[]>();
  for (let i = 0; i < parentIds.length; i += 500) {
    const rows = await db
      .selectFrom('incidents')
      .select(['id', 'parent_id'])
      .where('parent_id', 'in', parentIds.slice(i, i + 500))
      .orderBy('opened_at')
      .orderBy('id')
      .execute();
    for (const row of rows)
      if (row.parent_id !== null)
        byParent.set(row.parent_id, [...(byParent.get(row.parent_id) ?? []), row.id]);
  }
  return byParent;
}
