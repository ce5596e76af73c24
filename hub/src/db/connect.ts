import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { engineOf, engineOfUrl } from './dialect.js';
import { MIGRATIONS } from './migrations/index.js';
import { PgTextPlugin } from './pg-text-plugin.js';

/**
 * Open the hub's database: PostgreSQL for a `postgres://…` URL (several hub instances may share
 * it), else the embedded SQLite file at that path (`:memory:` for a throwaway one).
 */
export function openDatabase(url: string, options: PoolOptions = {}): Kysely<Database> {
  return engineOfUrl(url) === 'postgres' ? openPostgres(url, options) : openSqlite(url);
}

export interface PoolOptions {
  /** Connections at most (default 10). */
  readonly poolSize?: number;
  /** Idle connections close after this long (default 10 s; tests use less). */
  readonly idleTimeoutMs?: number;
}

// int8 (bigint: every time in ms, counts) and numeric (sums) arrive as strings by default, since
// they may exceed 2^53; the hub's values never do, and the code expects numbers as on SQLite.
const NUMBER_OIDS = new Set([20, 1700]);
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    NUMBER_OIDS.has(oid) && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** A pool on PostgreSQL whose numbers come back as numbers (see NUMBER_OIDS). */
export function openPostgres(url: string, options: PoolOptions = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    idleTimeoutMillis: options.idleTimeoutMs ?? 10_000,
    types: pgTypes,
  });
  // An idle client losing its server (restart, failover) must not crash the hub; the pool
  // replaces it and the next query reports the error to its caller.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new PgTextPlugin()] });
  POOLS.set(db, pool);
  return db;
}

/** Open (creating if needed) the embedded SQLite database: WAL, foreign keys, a busy timeout. */
export function openSqlite(file: string): Kysely<Database> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives a crash of the hub process (what an ack promises
  // day to day) without an fsync per transaction, which would block the event loop since
  // better-sqlite3 is synchronous. Power loss may lose the last commits; see
  // docs/decisions/0004-sqlite-durability.md.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  SQLITE_HANDLES.set(db, sqlite);
  return db;
}

// The ingest hot path runs prepared statements on the same connection (docs/decisions/0018).
const SQLITE_HANDLES = new WeakMap<Kysely<Database>, SQLite.Database>();

const POOLS = new WeakMap<Kysely<Database>, pg.Pool>();

/** The PostgreSQL pool under a database opened by `openPostgres` (its state for /metrics). */
export function poolOf(db: Kysely<Database>): pg.Pool | undefined {
  return POOLS.get(db);
}

/** The better-sqlite3 connection under a database opened by `openSqlite` (undefined otherwise). */
export function sqliteHandleOf(db: Kysely<Database>): SQLite.Database | undefined {
  return SQLITE_HANDLES.get(db);
}

export type MigrationOutcome =
  | { ok: true; applied: string[] }
  | { ok: false; error: unknown; applied: string[] };

/** Bring the schema up to date. Startup must stop when this fails. */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationOutcome> {
  if (await upToDate(db)) return { ok: true, applied: [] };
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
    // Dated migrations written side by side may land after a later-dated one was applied; each
    // creates its own tables, so one that sorts earlier is applied rather than refused.
    allowUnorderedMigrations: true,
    // Kysely looks for its bookkeeping tables in every schema it can see; on PostgreSQL pin them
    // to the schema the hub works in, or a second hub schema in the same database is never migrated.
    ...(engineOf(db) === 'postgres' && { migrationTableSchema: await currentSchema(db) }),
  });
  const { error, results } = await migrator.migrateToLatest();
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  return error ? { ok: false, error, applied } : { ok: true, applied };
}

async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema ?? 'public';
}

/**
 * Whether every known migration is recorded already: then a start reads one small table instead
 * of running Kysely's migrator, whose lock and catalogue introspection (every table of every
 * schema on PostgreSQL) cost far more. Any doubt (no table yet, an unknown name) says no.
 */
async function upToDate(db: Kysely<Database>): Promise<boolean> {
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    const applied = new Set(rows.map((r) => r.name));
    const known = Object.keys(MIGRATIONS);
    return applied.size === known.length && known.every((name) => applied.has(name));
  } catch {
    return false;
  }
}
