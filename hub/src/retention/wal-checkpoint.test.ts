import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, sqliteHandleOf } from '../db/connect.js';
import { MAIN_AUTOCHECKPOINT_PAGES, startWalCheckpointer } from './wal-checkpoint.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-wal-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('WAL checkpoints in a worker thread', () => {
  it("leaves the hub's connection to grow the WAL past SQLite's 1 000 pages, and copies it back from the worker", async () => {
    const db = openSqlite(join(dir, 'hub.db'));
    const sqlite = sqliteHandleOf(db);
    if (!sqlite) throw new Error('not SQLite');
    const checkpointer = startWalCheckpointer(sqlite);
    if (!checkpointer) throw new Error('no checkpointer for a file database');
    try {
      expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(MAIN_AUTOCHECKPOINT_PAGES);
      sqlite.exec('create table filler (body text)');
      const insert = sqlite.prepare('insert into filler (body) values (?)');
      // ~1 500 pages over 30 commits: with SQLite's default the hub's own commits would have
      // checkpointed on the event loop along the way.
      for (let commit = 0; commit < 30; commit++)
        sqlite.transaction(() => {
          for (let i = 0; i < 50; i++) insert.run('x'.repeat(4000));
        })();

      const first = await checkpointer.checkpoint();
      expect(first.log).toBeGreaterThan(1_000);
      expect(first.checkpointed).toBe(first.log);
      expect(sqlite.prepare('select count(*) as n from filler').get()).toEqual({ n: 1_500 });
    } finally {
      await checkpointer.stop();
      await db.destroy();
    }
  });

  it('does nothing for an in-memory database', () => {
    const sqlite = sqliteHandleOf(openSqlite(':memory:'));
    if (!sqlite) throw new Error('not SQLite');
    expect(startWalCheckpointer(sqlite)).toBeUndefined();
  });
});
