import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY, type WelcomeMessage } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SILENT_LOG } from '../logger.js';
import { createInstallJournal } from './install-journal.js';
import { startUpdateRuntime, type UpdateRuntimeDeps } from './update-runtime.js';

let dir: string;
let target: string;
let now: number;
let timers: { run: () => void; ms: number }[];

const welcome: WelcomeMessage = {
  type: 'welcome',
  protocolVersion: 1,
  hostId: 'hst_1',
  serverTime: 0,
  ackedSeq: 0,
  policy: DEFAULT_POLICY,
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-update-runtime-'));
  target = join(dir, 'vigie-agent.mjs');
  writeFileSync(target, 'old', { mode: 0o755 });
  writeFileSync(join(dir, 'download'), 'new');
  now = 1_764_000_000_000;
  timers = [];
  const journal = createInstallJournal(join(dir, 'state'));
  await journal.stage(join(dir, 'download'), target);
  await journal.swap({ from: '0.1.0', to: '0.2.0', sha256: 'ab'.repeat(32), target }, now);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function start(overrides: Partial<UpdateRuntimeDeps> = {}) {
  return startUpdateRuntime({
    stateDir: join(dir, 'state'),
    currentVersion: '0.2.0',
    running: { kind: 'script', path: target, platform: 'linux', arch: 'x64' },
    pinnedKey: undefined,
    hubUrl: 'http://127.0.0.1:1',
    log: SILENT_LOG,
    clock: () => now,
    random: () => 0,
    smokeTest: async () => '0.2.0',
    setTimer: (run, ms) => {
      timers.push({ run, ms });
      return () => {};
    },
    probationSec: 60,
    ...overrides,
  });
}

describe('a new version on probation', () => {
  it('is confirmed by its first welcome and keeps running', async () => {
    const runtime = await start();
    expect(runtime.restartNow).toBe(false);
    expect(timers.map((t) => t.ms)).toEqual([60_000]);
    runtime.onWelcome(welcome);
    expect(await runtime.finish(false)).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe('new');
  });

  it('is rolled back when the deadline passes without a welcome, and the run ends to restart', async () => {
    const runtime = await start();
    let stopped = 0;
    runtime.attach(() => {
      stopped += 1;
    });
    timers[0]?.run();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBe(1);
    expect(await runtime.finish(false)).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('old');
  });

  it('is rolled back when the hub refuses it for good, instead of exiting 78', async () => {
    const runtime = await start();
    expect(await runtime.finish(true)).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('old');
  });

  it('is rolled back at start once the deadline has passed, before anything else runs', async () => {
    await (await start()).finish(false).catch(() => {});
    now += 61_000;
    const runtime = await start();
    expect(runtime.restartNow).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('old');
  });
});
