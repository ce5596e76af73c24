import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { close, fsync, open, read, readFile, stat, writeFile } from './fs-async.js';

const SRC = join(import.meta.dirname, '..');

/** The agent's own source files, tests and their fixtures left out (tests may use anything). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === '__fixtures__' || entry.name === 'test-support' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-fs-async-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('fs-async', () => {
  it('is how the agent reaches files: no module it runs loads node:fs/promises (issue 19: ~0.4 MiB resident)', () => {
    const offenders = sourceFiles(SRC).filter((path) =>
      /from 'node:fs\/promises'|promises as \w+ } from 'node:fs'|\bfs\.promises\b/.test(
        readFileSync(path, 'utf8'),
      ),
    );
    expect(offenders.map((path) => relative(SRC, path))).toEqual([]);
  });

  it('writes, syncs and reads back through a descriptor, as the promise API does', async () => {
    const path = join(dir, 'state.json');
    const fd = await open(path, 'wx', 0o600);
    try {
      await writeFile(fd, '{"ok":true}\n', 'utf8');
      await fsync(fd);
    } finally {
      await close(fd);
    }
    expect(await readFile(path, 'utf8')).toBe('{"ok":true}\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const head = await open(path, 'r');
    try {
      const { bytesRead, buffer } = await read(head, Buffer.alloc(5), 0, 5, 0);
      expect(buffer.subarray(0, bytesRead).toString()).toBe('{"ok"');
    } finally {
      await close(head);
    }
  });

  it('rejects with the system error code, as the promise API does', async () => {
    await expect(readFile(join(dir, 'missing'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(open(join(dir, 'missing', 'x'), 'wx')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
