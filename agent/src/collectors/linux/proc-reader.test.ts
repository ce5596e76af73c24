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

  it('reads /proc itself, synchronously, and sends other paths to the fallbacks', async () => {
    const fallback = vi.fn(async () => 'fallback');
    const fallbackDir = vi.fn(async () => ['fallback']);
    const reader = createProcReader(fallback, undefined, fallbackDir);
    let status = '';
    const pending = reader.readFile('/proc/self/status').then((text) => {
      status = text;
    });
    // Settled before any I/O callback could run: the read happened inside the call, not in the pool.
    await Promise.resolve();
    expect(status).toMatch(new RegExp(`^Pid:\\s+${process.pid}$`, 'm'));
    await pending;
    expect(await reader.readFile('/proc/stat')).toMatch(/^cpu /);
    expect(await reader.readdir('/proc')).toContain(String(process.pid));
    expect(await reader.readFile('/sys/class/hwmon/hwmon0/temp1_input')).toBe('fallback');
    expect(await reader.readdir('/sys/block')).toEqual(['fallback']);
    expect(fallback).toHaveBeenCalledTimes(1);
    expect(fallbackDir).toHaveBeenCalledTimes(1);
    reader.close();
  });

  it('turns a failed synchronous read into a rejection, never a throw', async () => {
    const reader = createProcReader(vi.fn());
    const read = reader.readFile('/proc/no-such-file');
    await expect(read).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(reader.readdir('/proc/no-such-dir')).rejects.toMatchObject({ code: 'ENOENT' });
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
