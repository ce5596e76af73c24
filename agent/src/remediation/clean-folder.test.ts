import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanFolder } from './clean-folder.js';

const DAY = 86_400_000;
let root: string;
let allowed: string;
let outside: string;

function file(path: string, ageDays: number, bytes = 100) {
  writeFileSync(path, 'x'.repeat(bytes));
  const at = (Date.now() - ageDays * DAY) / 1000;
  utimesSync(path, at, at);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'vigie-clean-'));
  allowed = join(root, 'tmp');
  outside = join(root, 'precious');
  mkdirSync(join(allowed, 'sub'), { recursive: true });
  mkdirSync(outside);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('clean-folder', () => {
  it('deletes old files under the allowed folder and leaves new ones, links and what they point to', async () => {
    file(join(allowed, 'old.log'), 30, 1000);
    file(join(allowed, 'sub', 'old.tmp'), 10, 24);
    file(join(allowed, 'new.log'), 0);
    file(join(outside, 'old-secret'), 30);
    mkdirSync(join(outside, 'dir'));
    file(join(outside, 'dir', 'old-inside'), 30);
    // A link to an old file outside, and a link to a folder outside: neither may lead the deletion there.
    symlinkSync(join(outside, 'old-secret'), join(allowed, 'link-to-secret'));
    symlinkSync(join(outside, 'dir'), join(allowed, 'link-to-dir'));
    const result = await cleanFolder({
      folder: allowed,
      allowed: [allowed],
      olderThanDays: 7,
      now: Date.now(),
    });
    expect(result).toEqual({ ok: true, removedFiles: 2, freedBytes: 1024 });
    expect(existsSync(join(allowed, 'old.log'))).toBe(false);
    expect(existsSync(join(allowed, 'sub', 'old.tmp'))).toBe(false);
    expect(existsSync(join(allowed, 'new.log'))).toBe(true);
    expect(existsSync(join(outside, 'old-secret'))).toBe(true);
    expect(existsSync(join(outside, 'dir', 'old-inside'))).toBe(true);
    expect(existsSync(join(allowed, 'link-to-secret'))).toBe(true);
  });

  it('refuses a folder outside the allowed ones, also when reached through a link', async () => {
    file(join(outside, 'old-secret'), 30);
    symlinkSync(outside, join(allowed, 'escape'));
    for (const folder of [outside, join(allowed, 'escape'), join(allowed, '..', 'precious')]) {
      const result = await cleanFolder({ folder, allowed: [allowed], olderThanDays: 7, now: Date.now() });
      expect(result).toEqual({ ok: false, reason: 'not-allowed' });
    }
    expect(existsSync(join(outside, 'old-secret'))).toBe(true);
  });

  it('cleans a folder inside an allowed one, and refuses one that does not exist', async () => {
    file(join(allowed, 'sub', 'old.tmp'), 10);
    file(join(allowed, 'old.log'), 30);
    const inner = await cleanFolder({
      folder: join(allowed, 'sub'),
      allowed: [allowed],
      olderThanDays: 7,
      now: Date.now(),
    });
    expect(inner).toMatchObject({ ok: true, removedFiles: 1 });
    expect(existsSync(join(allowed, 'old.log'))).toBe(true);
    const missing = await cleanFolder({
      folder: join(allowed, 'nope'),
      allowed: [allowed],
      olderThanDays: 7,
      now: Date.now(),
    });
    expect(missing).toEqual({ ok: false, reason: 'invalid-params' });
  });
});
