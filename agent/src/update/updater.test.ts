import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentUpdate, DEFAULT_POLICY } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { announce, testSigningKey } from './__fixtures__/signed-artefact.js';
import { createInstallJournal, previousPath } from './install-journal.js';
import { createUpdater, type UpdaterDeps } from './updater.js';

const hub = testSigningKey();
const NEW = Buffer.from('#!/usr/bin/env node\n// vigie-agent 0.2.0\n');

let dir: string;
let target: string;
let server: Server;
let served: Buffer;
let hubUrl: string;
let logs: { level: string; message: string; fields?: Record<string, unknown> }[];
let restarts: string[];
let timers: { run: () => void; ms: number }[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-updater-'));
  target = join(dir, 'opt', 'vigie-agent.mjs');
  mkdirSync(join(dir, 'opt'));
  writeFileSync(target, '// vigie-agent 0.1.0\n', { mode: 0o755 });
  served = NEW;
  server = createServer((req, res) => {
    if (req.url !== '/downloads/vigie-agent.mjs') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': served.length }).end(served);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  logs = [];
  restarts = [];
  timers = [];
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function updater(overrides: Partial<UpdaterDeps> = {}) {
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    logs.push({ level, message, ...(fields && { fields }) });
  return createUpdater({
    currentVersion: '0.1.0',
    running: { kind: 'script', path: target, platform: 'linux', arch: 'x64' },
    pinnedKey: hub.publicKey,
    hubUrl,
    stateDir: join(dir, 'state'),
    journal: createInstallJournal(join(dir, 'state')),
    log: { error: record('error'), warn: record('warn'), info: record('info'), debug: record('debug') },
    clock: () => 1_764_000_000_000,
    random: () => 0.5,
    delayMs: 60_000,
    smokeTest: async (_kind, file) => (readFileSync(file, 'utf8').includes('0.2.0') ? '0.2.0' : 'other'),
    setTimer: (run, ms) => {
      timers.push({ run, ms });
      return () => {};
    },
    restart: (version) => restarts.push(version),
    ...overrides,
  });
}

const announcement = (version = '0.2.0', bytes = NEW): AgentUpdate => ({
  version,
  artefacts: [announce(bytes, version, hub.privateKey)],
});
const allowed = { ...DEFAULT_POLICY, autoUpdate: true };

async function fireTimers(u: ReturnType<typeof updater>) {
  for (const timer of timers.splice(0)) timer.run();
  await u.idle();
}

describe('updater', () => {
  it('does nothing unless the policy allows automatic updates', async () => {
    const u = updater();
    u.announced(announcement());
    u.policy(DEFAULT_POLICY);
    expect(timers).toHaveLength(0);
  });

  it('installs a newer signed version after the spread delay, keeps the old one and asks for a restart', async () => {
    const u = updater();
    u.announced(announcement());
    u.policy(allowed);
    expect(timers.map((t) => t.ms)).toEqual([30_000]);
    await fireTimers(u);
    expect(restarts).toEqual(['0.2.0']);
    expect(readFileSync(target)).toEqual(NEW);
    expect(readFileSync(previousPath(target), 'utf8')).toBe('// vigie-agent 0.1.0\n');
  });

  it('ignores the same or an older version', async () => {
    const u = updater();
    u.policy(allowed);
    u.announced(announcement('0.1.0'));
    u.announced(announcement('0.0.9'));
    expect(timers).toHaveLength(0);
  });

  it('refuses tampered bytes with UPDATE_CHECKSUM_MISMATCH and keeps running its version', async () => {
    const u = updater();
    u.policy(allowed);
    u.announced(announcement());
    served = Buffer.from(NEW);
    served.writeUInt8(served.readUInt8(served.length - 2) ^ 0x20, served.length - 2);
    await fireTimers(u);
    expect(restarts).toEqual([]);
    expect(readFileSync(target, 'utf8')).toBe('// vigie-agent 0.1.0\n');
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({ code: 'UPDATE_CHECKSUM_MISMATCH' }),
      }),
    );
    // Not retried at every welcome.
    u.announced(announcement());
    expect(timers).toHaveLength(0);
  });

  it('refuses a download longer than announced without keeping it', async () => {
    const u = updater();
    u.policy(allowed);
    u.announced(announcement());
    served = Buffer.concat([NEW, Buffer.alloc(4096)]);
    await fireTimers(u);
    expect(restarts).toEqual([]);
    expect(logs.find((l) => l.level === 'error')?.fields?.code).toBe('UPDATE_TOO_LARGE');
  });

  it('refuses a version signed by another key without downloading it', async () => {
    const other = testSigningKey();
    const u = updater({ pinnedKey: other.publicKey });
    u.policy(allowed);
    u.announced(announcement());
    await fireTimers(u);
    expect(restarts).toEqual([]);
    expect(logs.find((l) => l.level === 'error')?.fields?.code).toBe('UPDATE_SIGNATURE_INVALID');
  });

  it('refuses every update when no key was pinned at enrolment, saying so once', async () => {
    const u = updater({ pinnedKey: undefined });
    u.policy(allowed);
    u.announced(announcement());
    u.announced(announcement());
    expect(timers).toHaveLength(0);
    expect(logs.filter((l) => l.fields?.code === 'UPDATE_NO_PINNED_KEY')).toHaveLength(1);
  });

  it('refuses a version that does not run or reports another version', async () => {
    const u = updater({ smokeTest: async () => 'failed: SyntaxError' });
    u.policy(allowed);
    u.announced(announcement());
    await fireTimers(u);
    expect(restarts).toEqual([]);
    expect(readFileSync(target, 'utf8')).toBe('// vigie-agent 0.1.0\n');
    expect(logs.find((l) => l.level === 'error')?.fields?.code).toBe('UPDATE_SMOKE_TEST_FAILED');
  });

  it('never updates a development build', () => {
    const u = updater({ running: undefined });
    u.policy(allowed);
    u.announced(announcement());
    expect(timers).toHaveLength(0);
  });
});
