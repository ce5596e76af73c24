import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HUB_BIN, runCli } from '../support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-hub-cli-'));
const db = join(dir, 'hub.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vigie-hub CLI', () => {
  it('explains itself with --help and each command with help <command>', async () => {
    const main = await runCli(HUB_BIN, ['--help']);
    expect(main.code).toBe(0);
    for (const command of ['start', 'migrate', 'token create', 'user create'])
      expect(main.output).toContain(command);
    const start = await runCli(HUB_BIN, ['help', 'start']);
    expect(start.output).toMatch(/--heartbeat-interval/);
  });

  it('exits 64 (EX_USAGE) with a clear message on an unknown command, an unknown flag or a bad value', async () => {
    const unknown = await runCli(HUB_BIN, ['frobnicate']);
    expect(unknown).toMatchObject({ code: 64 });
    expect(unknown.output).toMatch(/unknown command 'frobnicate'/);
    const flag = await runCli(HUB_BIN, ['migrate', '--nope', '--db', db]);
    expect(flag.code).toBe(64);
    expect(flag.output).toMatch(/--nope/);
    const port = await runCli(HUB_BIN, ['start', '--port', '99999', '--db', db]);
    expect(port.code).toBe(64);
    expect(port.output).toMatch(/--port/);
  });

  it('names the flag, the value and what it expects, in French unless LANG is English, with no stack', async () => {
    const fr = await runCli(HUB_BIN, ['start', '--port', 'abc', '--db', db], {
      LANG: 'fr_FR.UTF-8',
      LC_ALL: '',
    });
    expect(fr.code).toBe(64);
    expect(fr.output).toContain("--port : « abc » n'est pas un nombre entier entre 0 et 65535");
    expect(fr.output).not.toMatch(/\bat .*\.js:\d+/);
    const en = await runCli(HUB_BIN, ['start', '--log-level', 'loud', '--db', db], {
      LANG: 'en_US.UTF-8',
      LC_ALL: '',
    });
    expect(en.code).toBe(64);
    expect(en.output).toContain("--log-level: 'loud' is not one of fatal, error");
    const unknown = await runCli(HUB_BIN, ['start', '--nope'], { LANG: 'C.UTF-8', LC_ALL: '' });
    expect(unknown.output).toContain('option inconnue --nope');
  });

  it('refuses --db in a directory that does not exist unless --create, and creates a file in one that does', async () => {
    const typo = join(dir, 'no-such-dir', 'hub.db');
    const refused = await runCli(HUB_BIN, ['migrate', '--db', typo]);
    expect(refused.code).toBe(64);
    expect(refused.output).toMatch(/--db .*no-such-dir.*--create/);
    expect(existsSync(typo)).toBe(false);
    expect((await runCli(HUB_BIN, ['migrate', '--db', typo, '--create'])).code).toBe(0);
    expect(existsSync(typo)).toBe(true);
    const fresh = join(dir, 'fresh.db');
    expect((await runCli(HUB_BIN, ['migrate', '--db', fresh])).code).toBe(0);
    expect(existsSync(fresh)).toBe(true);
  });

  it('creates, lists and revokes enrolment tokens in the database it is given', async () => {
    const created = await runCli(HUB_BIN, [
      'token',
      'create',
      '--client',
      'acme',
      '--site',
      'nantes',
      '--uses',
      '5',
      '--db',
      db,
    ]);
    expect(created.code, created.output).toBe(0);
    expect(created.output).toMatch(/vigie-agent enroll --hub <hub url> --token vge_/);
    const id = /enrolment token (enr_\S+)/.exec(created.output)?.[1];
    expect(id).toBeDefined();

    const listed = await runCli(HUB_BIN, ['token', 'list', '--db', db]);
    expect(listed.output).toMatch(new RegExp(`${id}\\tacme/nantes\\t0/5 used\\tactive`));

    expect((await runCli(HUB_BIN, ['token', 'revoke', id!, '--db', db])).code).toBe(0);
    expect((await runCli(HUB_BIN, ['token', 'list', '--db', db])).output).toMatch(/revoked/);
    expect((await runCli(HUB_BIN, ['token', 'revoke', 'enr_missing', '--db', db])).code).toBe(1);
  });

  it('creates a user once and refuses a second user with the same name', async () => {
    const first = await runCli(HUB_BIN, ['user', 'create', 'alice', '--role', 'n1', '--db', db, '--quiet']);
    expect(first.code).toBe(0);
    expect(first.output.trim()).toMatch(/^vga_[A-Za-z0-9_-]{43}$/);
    const again = await runCli(HUB_BIN, ['user', 'create', 'alice', '--role', 'n1', '--db', db]);
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/already exists/);
    const badRole = await runCli(HUB_BIN, ['user', 'create', 'bob', '--role', 'boss', '--db', db]);
    expect(badRole.code).toBe(64);
  });
});
