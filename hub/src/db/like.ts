import { type RawBuilder, sql } from 'kysely';

/** `lower(column) LIKE %text%` with the user's text taken literally (%, _ and \ escaped). */
export function containsIgnoringCase(column: string, text: string): RawBuilder<boolean> {
  const escaped = text.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`);
  // ESCAPE is spelled out: SQLite has no default LIKE escape character (PostgreSQL's is a backslash).
  return sql<boolean>`lower(${sql.ref(column)}) like ${`%${escaped}%`} escape '\\'`;
}
