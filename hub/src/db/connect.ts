import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import type { Database } from './database.js';
import { MIGRATIONS } from './migrations/index.js';

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

/** The better-sqlite3 connection under a database opened by `openSqlite` (undefined otherwise). */
export function sqliteHandleOf(db: Kysely<Database>): SQLite.Database | undefined {
  return SQLITE_HANDLES.get(db);
}

export type MigrationOutcome =
  | { ok: true; applied: string[] }
  | { ok: false; error: unknown; applied: string[] };

/** Bring the schema up to date. Startup must stop when this fails. */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationOutcome> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
  });
  const { error, results } = await migrator.migrateToLatest();
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  return error ? { ok: false, error, applied } : { ok: true, applied };
}
