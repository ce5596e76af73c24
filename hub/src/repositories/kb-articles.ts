import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { KbArticlesTable } from '../db/tables/kb-articles.js';

export type KbArticleRow = Selectable<KbArticlesTable>;

/** The N0 article for a check kind, if any. */
export async function findArticleForCheck(
  db: Kysely<Database>,
  check: string,
): Promise<KbArticleRow | undefined> {
  return db
    .selectFrom('kb_articles')
    .selectAll()
    .where('check', '=', check)
    .where('audience', '=', 'user')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

export async function findArticle(db: Kysely<Database>, id: string): Promise<KbArticleRow | undefined> {
  return db.selectFrom('kb_articles').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Articles, optionally for one check kind. */
export async function listArticles(db: Kysely<Database>, check?: string): Promise<KbArticleRow[]> {
  let query = db.selectFrom('kb_articles').selectAll().orderBy('check').orderBy('id');
  if (check !== undefined) query = query.where('check', '=', check);
  return query.execute();
}
