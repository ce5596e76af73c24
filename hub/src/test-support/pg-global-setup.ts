import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../db/connect.js';
import { TEMPLATE_SCHEMA } from './test-database.js';

// Vitest global setup of the PostgreSQL projects: one database for the whole run (each test then
// takes its own schema in it), dropped at the end, so a run leaves nothing behind even when a
// test forgot to destroy its database. The migrations run once, into a template schema whose
// dump each test replays under its own name: one round trip instead of a migration per test.

const ADMIN_URL = process.env.VIGIE_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function admin(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export default async function setup(): Promise<() => Promise<void>> {
  const name = `vigie_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(ADMIN_URL, `create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  process.env.VIGIE_TEST_PG_URL = url.toString();

  await admin(url.toString(), `create schema ${TEMPLATE_SCHEMA}`);
  const templateUrl = new URL(url);
  templateUrl.searchParams.set('options', `-c search_path=${TEMPLATE_SCHEMA}`);
  const db = openDatabase(templateUrl.toString());
  const migrated = await migrateToLatest(db);
  await db.destroy();
  if (!migrated.ok) throw migrated.error;
  const dump = execFileSync(
    'pg_dump',
    ['--schema', TEMPLATE_SCHEMA, '--inserts', '--no-owner', '--no-privileges', '--dbname', url.toString()],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const dir = mkdtempSync(join(tmpdir(), 'vigie-pg-'));
  const file = join(dir, 'template.sql');
  // psql meta-commands (\restrict …) are not SQL; the server would refuse them.
  writeFileSync(
    file,
    dump
      .split('\n')
      .filter((line) => !line.startsWith('\\'))
      .join('\n'),
  );
  process.env.VIGIE_TEST_PG_TEMPLATE = file;

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    await admin(ADMIN_URL, `drop database if exists ${name} with (force)`);
  };
}
