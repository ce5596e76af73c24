import { type Expression, type Kysely, PostgresAdapter, type RawBuilder, type SqlBool, sql } from 'kysely';

// The few places where SQLite and PostgreSQL must be told apart. Everything else is Kysely's
// builder and means the same on both (docs/decisions/0015-postgresql-and-several-hubs.md).

export type Engine = 'sqlite' | 'postgres';

/** The app's Kysely<Database>, a transaction, or a migration's Kysely<any>: all say their engine. */
// biome-ignore lint/suspicious/noExplicitAny: migrations are typed Kysely<any> on purpose
type AnyDb = Kysely<any>;

/** `postgres://…` / `postgresql://…` selects PostgreSQL; a path (or `:memory:`) selects SQLite. */
export function engineOfUrl(url: string): Engine {
  return /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite';
}

/** The database URL as logs may show it: a PostgreSQL password is masked. */
export function redactDatabaseUrl(url: string): string {
  if (engineOfUrl(url) !== 'postgres') return url;
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** Which engine a database (or a transaction on it) runs on, from the adapter Kysely was given. */
export function engineOf(db: AnyDb): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * `column LIKE pattern` ignoring ASCII case on both engines: SQLite's LIKE already does, PostgreSQL
 * needs ILIKE. The pattern escapes with a backslash.
 */
export function likeIgnoringCase(
  db: AnyDb,
  column: Expression<unknown>,
  pattern: string,
): RawBuilder<SqlBool> {
  return engineOf(db) === 'postgres'
    ? sql<SqlBool>`${column} ilike ${pattern} escape '\\'`
    : sql<SqlBool>`${column} like ${pattern} escape '\\'`;
}

/**
 * `column = value` ignoring case: on SQLite the column's `collate nocase` does it (and its index
 * serves it); on PostgreSQL `lower(column) = lower(value)`, served by an index on lower(column).
 */
export function equalsIgnoringCase(
  db: AnyDb,
  column: Expression<unknown>,
  value: string,
): RawBuilder<SqlBool> {
  return engineOf(db) === 'postgres'
    ? sql<SqlBool>`lower(${column}) = lower(${value})`
    : sql<SqlBool>`${column} = ${value}`;
}

/**
 * Serialise the transactions that work on one key until they end: on PostgreSQL a transaction
 * -scoped advisory lock on the key's hash (several hub instances, a pool of connections); on
 * SQLite nothing, since its writers are serialised already. Must run inside a transaction.
 */
export async function lockKeyForTransaction(trx: AnyDb, key: string): Promise<void> {
  if (engineOf(trx) !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}

/** Like {@link lockKeyForTransaction} but never waits: false when another transaction holds it. */
export async function tryLockKeyForTransaction(trx: AnyDb, key: string): Promise<boolean> {
  if (engineOf(trx) !== 'postgres') return true;
  const { rows } = await sql<{ locked: boolean }>`
    select pg_try_advisory_xact_lock(hashtextextended(${key}, 0)) as locked`.execute(trx);
  return rows[0]?.locked === true;
}

/** PostgreSQL's answer when it aborted a transaction to break a deadlock or a serialization conflict. */
const TRANSIENT_CODES = new Set(['40P01', '40001']);

/**
 * Run a whole transaction again (up to `attempts` times in all) when PostgreSQL aborted it to
 * break a deadlock between hub instances; it was rolled back, so running it again is safe. Any
 * other error, and every error on SQLite, is the caller's.
 */
export async function retryTransient<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (attempt >= attempts || typeof code !== 'string' || !TRANSIENT_CODES.has(code)) throw error;
    }
  }
}
