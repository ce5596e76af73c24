import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HUB_BIN, type RunningProcess, startProcess } from '../support/processes.js';

// The built vigie-hub: console passwords set from the command line, then used over HTTP.

let dir: string;
let hub: RunningProcess | undefined;

function cli(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [HUB_BIN, ...args, '--db', join(dir, 'hub.db')], {
    input,
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** Sign in through the form as a browser would; the session cookie, or undefined when refused. */
async function signIn(url: string, name: string, password: string): Promise<string | undefined> {
  const form = await fetch(`${url}/console/sign-in`);
  const pre = form.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const res = await fetch(`${url}/console/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: name, password, _csrf: csrf }).toString(),
  });
  return res.headers
    .getSetCookie()
    .find((c) => c.startsWith('vigie_session='))
    ?.split(';')[0];
}

async function startHub(): Promise<string> {
  hub = startProcess(HUB_BIN, ['start', '--host', '127.0.0.1', '--port', '0', '--db', join(dir, 'hub.db')]);
  return (await hub.waitFor(/listening (http:\/\/\S+)/))[1] ?? '';
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-console-cli-'));
});
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('console passwords from vigie-hub', () => {
  it('prints a console password on the first start, which signs admin in', async () => {
    const url = await startHub();
    const password = (await hub?.waitFor(/console password\s+(\S+)/))?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(await signIn(url, 'admin', password)).toMatch(/^vigie_session=/);
    expect(await signIn(url, 'admin', `${password}x`)).toBeUndefined();
  });

  it('creates a user with --password-stdin, and set-password replaces it and ends their sessions', async () => {
    expect(
      cli(
        ['user', 'create', 'carol', '--role', 'n2', '--password-stdin', '--quiet'],
        'premier mot de passe\n',
      ).code,
    ).toBe(0);
    expect(cli(['user', 'create', 'dave', '--role', 'n1', '--password-stdin'], 'court\n').code).toBe(64);
    const url = await startHub();
    const session = await signIn(url, 'carol', 'premier mot de passe');
    expect(session).toBeDefined();
    const queue = await fetch(`${url}/console`, { redirect: 'manual', headers: { cookie: session ?? '' } });
    expect(queue.headers.get('location')).toBe('/console/queue/N2');

    const set = cli(['user', 'set-password', 'carol', '--password-stdin'], 'second mot de passe\n');
    expect(set.code).toBe(0);
    const after = await fetch(`${url}/console/hosts`, {
      redirect: 'manual',
      headers: { cookie: session ?? '' },
    });
    expect(after.status).toBe(303);
    expect(await signIn(url, 'carol', 'premier mot de passe')).toBeUndefined();
    expect(await signIn(url, 'carol', 'second mot de passe')).toBeDefined();
    expect(cli(['user', 'set-password', 'nobody', '--password-stdin'], 'un mot de passe long\n').code).toBe(
      1,
    );
  });
});
