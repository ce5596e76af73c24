import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createInstallJournal,
  MAX_PROBATION_STARTS,
  previousPath,
  REFUSED_FOR_MS,
  stagedPath,
} from './install-journal.js';

const PROBATION_MS = 600_000;
let dir: string;
let target: string;
let stateDir: string;
let now: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-journal-'));
  stateDir = join(dir, 'state');
  target = join(dir, 'vigie-agent.mjs');
  writeFileSync(target, 'old version', { mode: 0o755 });
  writeFileSync(join(dir, 'download'), 'new version');
  now = 1_764_000_000_000;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function installNew() {
  const journal = createInstallJournal(stateDir);
  await journal.stage(join(dir, 'download'), target);
  await journal.swap({ from: '0.1.0', to: '0.2.0', sha256: 'ab'.repeat(32), target }, now);
  return journal;
}

describe('swap, probation and rollback', () => {
  it('swaps the new version in with the mode of the old one and keeps the old one as .previous', async () => {
    await installNew();
    expect(readFileSync(target, 'utf8')).toBe('new version');
    expect(statSync(target).mode & 0o777).toBe(0o755);
    expect(readFileSync(previousPath(target), 'utf8')).toBe('old version');
  });

  it('puts the new version on probation at its first start and confirms it on the first welcome', async () => {
    const journal = await installNew();
    const start = await journal.atStart('0.2.0', now + 5_000, PROBATION_MS);
    expect(start).toMatchObject({ state: 'probation', deadlineAt: now + 5_000 + PROBATION_MS });
    expect(await journal.confirm()).toMatchObject({ from: '0.1.0', to: '0.2.0' });
    expect(await journal.atStart('0.2.0', now + 10 * PROBATION_MS, PROBATION_MS)).toEqual({ state: 'none' });
    expect(readFileSync(target, 'utf8')).toBe('new version');
  });

  it('keeps the first deadline across restarts and rolls back once it passed', async () => {
    const journal = await installNew();
    await journal.atStart('0.2.0', now, PROBATION_MS);
    expect(await journal.atStart('0.2.0', now + PROBATION_MS - 1, PROBATION_MS)).toMatchObject({
      state: 'probation',
      deadlineAt: now + PROBATION_MS,
    });
    const late = await journal.atStart('0.2.0', now + PROBATION_MS, PROBATION_MS);
    expect(late).toMatchObject({ state: 'rolled-back' });
    expect(readFileSync(target, 'utf8')).toBe('old version');
    expect(await journal.isRefused('0.2.0', 'ab'.repeat(32), now + PROBATION_MS)).toBe(true);
    // The restored version starts normally.
    expect(await journal.atStart('0.1.0', now + PROBATION_MS + 1, PROBATION_MS)).toEqual({ state: 'none' });
  });

  it(`rolls back a version that restarted ${MAX_PROBATION_STARTS} times without reaching the hub`, async () => {
    const journal = await installNew();
    for (let i = 0; i < MAX_PROBATION_STARTS; i += 1)
      expect((await journal.atStart('0.2.0', now + i, PROBATION_MS)).state).toBe('probation');
    expect((await journal.atStart('0.2.0', now + 10, PROBATION_MS)).state).toBe('rolled-back');
    expect(readFileSync(target, 'utf8')).toBe('old version');
  });

  it('rolls back on request during probation (the hub refused the new version)', async () => {
    const journal = await installNew();
    await journal.atStart('0.2.0', now, PROBATION_MS);
    expect(await journal.rollback('UPDATE_ROLLED_BACK', now + 1)).toMatchObject({ to: '0.2.0' });
    expect(readFileSync(target, 'utf8')).toBe('old version');
    expect(await journal.rollback('UPDATE_ROLLED_BACK', now + 2)).toBeUndefined();
  });

  it('clears a marker that names another version than the one running', async () => {
    const journal = await installNew();
    expect((await journal.atStart('0.1.0', now, PROBATION_MS)).state).toBe('stale');
    expect(await journal.atStart('0.1.0', now, PROBATION_MS)).toEqual({ state: 'none' });
  });

  it('forgets a refused version after a day', async () => {
    const journal = createInstallJournal(stateDir);
    await journal.refuse('0.2.0', 'cd'.repeat(32), 'UPDATE_ROLLED_BACK', now);
    expect(await journal.isRefused('0.2.0', 'cd'.repeat(32), now + REFUSED_FOR_MS - 1)).toBe(true);
    expect(await journal.isRefused('0.2.0', 'ef'.repeat(32), now)).toBe(false);
    expect(await journal.isRefused('0.2.0', 'cd'.repeat(32), now + REFUSED_FOR_MS)).toBe(false);
  });
});

describe('staged file name', () => {
  it('keeps the extension, so a staged single-file build still runs as an ES module', () => {
    expect(stagedPath('/opt/vigie-agent/vigie-agent.mjs')).toBe('/opt/vigie-agent/vigie-agent.new.mjs');
    expect(stagedPath('/opt/vigie-agent/vigie-agent')).toBe('/opt/vigie-agent/vigie-agent.new');
    expect(stagedPath('C:/Program Files/Vigie/vigie-agent.exe')).toBe(
      'C:/Program Files/Vigie/vigie-agent.new.exe',
    );
  });
});
