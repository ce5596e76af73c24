import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProcReader } from './proc-reader.js';

describe('createProcReader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-proc-'));
  afterEach(() => rmSync(join(dir, 'f'), { force: true }));

  it('reads the current content of a kept-open file at every call', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'one\n');
    const reader = createProcReader(vi.fn(), new Set([path]));
    expect(await reader.readFile(path)).toBe('one\n');
    writeFileSync(path, 'two, longer\n');
    expect(await reader.readFile(path)).toBe('two, longer\n');
    reader.close();
  });

  it('reads files larger than its buffer whole', async () => {
    const path = join(dir, 'f');
    const big = 'x'.repeat(100_000);
    writeFileSync(path, big);
    const reader = createProcReader(vi.fn(), new Set([path]));
    expect(await reader.readFile(path)).toBe(big);
    reader.close();
  });

  it('shares one read between concurrent callers and sends other paths to the fallback', async () => {
    const fallback = vi.fn(async () => 'fallback');
    const reader = createProcReader(fallback);
    const [a, b] = await Promise.all([reader.readFile('/proc/stat'), reader.readFile('/proc/stat')]);
    expect(a).toBe(b);
    expect(a).toMatch(/^cpu /);
    expect(await reader.readFile('/proc/1/status')).toBe('fallback');
    reader.close();
  });

  it('rejects a missing file and retries opening it next time', async () => {
    const path = join(dir, 'f');
    const reader = createProcReader(vi.fn(), new Set([path]));
    await expect(reader.readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
    writeFileSync(path, 'back\n');
    expect(await reader.readFile(path)).toBe('back\n');
    reader.close();
  });
});
