import { mkdtempSync, rmSync } from 'node:fs';
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

  it('exits 2 with a clear message on an unknown command, an unknown flag or a bad value', async () => {
    const unknown = await runCli(HUB_BIN, ['frobnicate']);
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.output).toMatch(/unknown command 'frobnicate'/);
    const flag = await runCli(HUB_BIN, ['migrate', '--nope', '--db', db]);
    expect(flag.code).toBe(2);
    expect(flag.output).toMatch(/--nope/);
    const port = await runCli(HUB_BIN, ['start', '--port', '99999', '--db', db]);
    expect(port.code).toBe(2);
    expect(port.output).toMatch(/--port/);
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
    expect(badRole.code).toBe(2);
  });
});
