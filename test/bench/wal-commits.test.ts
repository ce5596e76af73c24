import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createWalCounter } from './wal-commits.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function walDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-wal-'));
  dirs.push(dir);
  const file = join(dir, 'db.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // The test checkpoints itself, when it wants the log to restart.
  db.pragma('wal_autocheckpoint = 0');
  db.exec('create table t (id integer primary key, v text)');
  const insert = db.prepare('insert into t (v) values (?)');
  const commit = db.transaction((rows: number) => {
    for (let i = 0; i < rows; i++) insert.run('x'.repeat(1500));
  });
  return { db, wal: `${file}-wal`, commit };
}

describe('counting a database’s commits from its WAL', () => {
  it('counts each transaction once and the pages it wrote', () => {
    const { db, wal, commit } = walDatabase();
    const counter = createWalCounter(wal);
    counter.poll();
    const before = counter.totals();
    for (let i = 0; i < 10; i++) commit(20);
    counter.poll();
    const after = counter.totals();
    expect(after.commits - before.commits).toBe(10);
    // 20 rows of 1.5 KB need about 8 new leaf pages a commit, plus the pages it changed again.
    expect((after.pages - before.pages) / 10).toBeGreaterThan(5);
    db.close();
    counter.close();
  });

  it('does not count a commit twice across polls', () => {
    const { db, wal, commit } = walDatabase();
    const counter = createWalCounter(wal);
    counter.poll();
    const start = counter.totals().commits;
    for (let i = 0; i < 5; i++) {
      commit(3);
      counter.poll();
      counter.poll();
    }
    expect(counter.totals().commits - start).toBe(5);
    db.close();
    counter.close();
  });

  it('follows the log when a checkpoint restarts it', () => {
    const { db, wal, commit } = walDatabase();
    const counter = createWalCounter(wal);
    for (let i = 0; i < 4; i++) commit(3);
    counter.poll();
    const start = counter.totals();
    db.pragma('wal_checkpoint(TRUNCATE)');
    for (let i = 0; i < 6; i++) commit(3);
    counter.poll();
    const end = counter.totals();
    expect(end.commits - start.commits).toBe(6);
    expect(end.restarts - start.restarts).toBe(1);
    db.close();
    counter.close();
  });

  it('reads nothing while the log does not exist yet', () => {
    const counter = createWalCounter(join(tmpdir(), 'vigie-no-such-dir', 'db-wal'));
    counter.poll();
    expect(counter.totals()).toEqual({ commits: 0, pages: 0, restarts: 0 });
  });
});
