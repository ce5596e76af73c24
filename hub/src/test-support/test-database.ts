import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import type { Database } from '../db/database.js';

// Every test gets its own database. SQLite in memory by default; with VIGIE_TEST_DB=postgres a
// fresh schema in the PostgreSQL database of VIGIE_TEST_PG_URL (default: the local `test`
// database), dropped when the database is destroyed.

export const TEST_PG_URL = process.env.VIGIE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether this run's tests use PostgreSQL (the `hub-pg` vitest project sets it). */
export function testEngine(): 'sqlite' | 'postgres' {
  return process.env.VIGIE_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
}

/** A URL of a schema created for one test, and how to drop it. */
export interface TestPgSchema {
  readonly url: string;
  readonly schema: string;
  drop(): Promise<void>;
}

/** The schema the PostgreSQL global setup migrates once and dumps (pg-global-setup.ts). */
export const TEMPLATE_SCHEMA = 'vigie_template';
let template: string | undefined;

/**
 * Create a schema and a URL whose connections use it (search_path). When the global setup left a
 * migrated template, the schema is a copy of it (already migrated); else it is empty.
 */
export async function createTestPgSchema(
  base: string = TEST_PG_URL,
): Promise<TestPgSchema & { migrated: boolean }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const file = process.env.VIGIE_TEST_PG_TEMPLATE;
  if (file) template ??= readFileSync(file, 'utf8');
  await adminQuery(base, template ? template.replaceAll(TEMPLATE_SCHEMA, schema) : `create schema ${schema}`);
  const url = new URL(base);
  // Commits need not wait for the disk in tests: a crash loses only a throwaway schema.
  url.searchParams.set('options', `-c search_path=${schema} -c synchronous_commit=off`);
  return {
    url: url.toString(),
    schema,
    migrated: template !== undefined,
    drop: () => adminQuery(base, `drop schema if exists ${schema} cascade`),
  };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * The database URL a test hub should open: `:memory:` on SQLite, a fresh schema on PostgreSQL
 * (dropped by `release`).
 */
export async function testDatabaseUrl(): Promise<{
  url: string;
  migrated: boolean;
  release: () => Promise<void>;
}> {
  if (testEngine() === 'sqlite') return { url: ':memory:', migrated: false, release: async () => {} };
  const created = await createTestPgSchema();
  // Inside a run's own database (pg-global-setup.ts) schemas go with it at the end: dropping
  // each costs more than the test using it.
  const release = process.env.VIGIE_TEST_PG_TEMPLATE ? async () => {} : created.drop;
  return { url: created.url, migrated: created.migrated, release };
}

/**
 * A fresh database with the real migrations applied. On PostgreSQL, `db.destroy()` also drops
 * its schema, so a test that destroys what it created leaves nothing behind.
 */
export async function createTestDatabase(): Promise<Kysely<Database>> {
  const { url, migrated: copied, release } = await testDatabaseUrl();
  const db = openDatabase(url, { poolSize: 4, idleTimeoutMs: 500 });
  const destroy = db.destroy.bind(db);
  let destroyed: Promise<void> | undefined;
  db.destroy = () => {
    destroyed ??= destroy().then(release);
    return destroyed;
  };
  if (copied) return db;
  const migrated = await migrateToLatest(db);
  if (!migrated.ok) {
    await db.destroy();
    throw migrated.error;
  }
  return db;
}
