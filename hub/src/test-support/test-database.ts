import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { expect } from 'vitest';
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
  // Inside a run's own database (pg-global-setup.ts) schemas go with it at the end: dropping
  // each costs more than the test using it. A released schema is emptied back to the template's
  // rows and reused by this worker's next test (creating one costs ~100 DDL statements).
  if (process.env.VIGIE_TEST_PG_TEMPLATE) {
    const reused = released.pop();
    const schema = reused ?? (await createTestPgSchema());
    return {
      url: schema.url,
      migrated: schema.migrated,
      release: async () => {
        await resetToTemplate(schema.schema);
        released.push(schema);
      },
    };
  }
  const created = await createTestPgSchema();
  return { url: created.url, migrated: created.migrated, release: created.drop };
}

const released: (TestPgSchema & { migrated: boolean })[] = [];
let templateTables: Promise<{ all: string[]; seeded: string[] }> | undefined;

/** Delete every row of a test schema, put the template's rows back, drop tables it added. */
async function resetToTemplate(schema: string): Promise<void> {
  templateTables ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(
        `select relname as name from pg_class where relnamespace = $1::regnamespace and relkind in ('r', 'p')`,
        [TEMPLATE_SCHEMA],
      );
      const all = rows.map((r) => r.name);
      const seeded: string[] = [];
      for (const name of all) {
        const counted = await client.query(`select 1 from ${TEMPLATE_SCHEMA}."${name}" limit 1`);
        if (counted.rowCount) seeded.push(name);
      }
      return { all, seeded };
    } finally {
      await client.end();
    }
  })();
  const { all, seeded } = await templateTables;
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `select relname as name from pg_class where relnamespace = $1::regnamespace and relkind in ('r', 'p')
         and not relispartition`,
      [schema],
    );
    const extra = rows.map((r) => r.name).filter((name) => !all.includes(name));
    const { rows: parts } = await client.query<{ name: string }>(
      `select c.relname as name from pg_class c where c.relnamespace = $1::regnamespace and c.relispartition and c.relkind in ('r', 'p')
         and c.relname <> 'samples_default'`,
      [schema],
    );
    // Foreign keys are not checked while rows go (replica role): the order does not matter.
    await client.query(
      [
        'set session_replication_role = replica',
        ...extra.map((name) => `drop table if exists ${schema}."${name}" cascade`),
        ...parts.map((p) => `drop table if exists ${schema}."${p.name}"`),
        ...all.map((name) => `delete from ${schema}."${name}"`),
        ...seeded.map((name) => `insert into ${schema}."${name}" select * from ${TEMPLATE_SCHEMA}."${name}"`),
        'set session_replication_role = origin',
      ].join(';\n'),
    );
  } finally {
    await client.end();
  }
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
  if (testEngine() === 'postgres' && expect.getState().currentTestName !== undefined) createdInTest.add(db);
  if (copied) return db;
  const migrated = await migrateToLatest(db);
  if (!migrated.ok) {
    await db.destroy();
    throw migrated.error;
  }
  return db;
}

const createdInTest = new Set<Kysely<Database>>();

/**
 * Destroy the PostgreSQL databases made during the test that just ended (not those of a
 * `beforeAll`), so their schemas are reused rather than made anew. The hub-pg project runs it
 * after each test (pg-test-setup.ts); destroying twice is harmless.
 */
export async function releaseTestDatabases(): Promise<void> {
  const dbs = [...createdInTest];
  createdInTest.clear();
  await Promise.all(dbs.map((db) => db.destroy()));
}
