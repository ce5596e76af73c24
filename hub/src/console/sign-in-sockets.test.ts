import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listSecurityEvents } from '../audit/store.js';
import type { RunningHub } from '../server.js';
import { startTestHub } from '../test-support/test-hub.js';
import { createConsoleUser } from './security/accounts.js';

const PASSWORD = 'correct horse battery';
let now = 1_764_000_000_000;
let hub: RunningHub;

/** One HTTP exchange with the hub from the loopback address `from` (127.0.0.0/8 is all local). */
function http(
  from: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; cookies: string[]; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: hub.port,
        path,
        method: init.method ?? 'GET',
        headers: init.headers,
        localAddress: from,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, cookies: res.headers['set-cookie'] ?? [], text }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

async function signIn(from: string, username: string, password: string): Promise<number> {
  const form = await http(from, '/console/sign-in');
  const cookie = form.cookies.map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
  const body = new URLSearchParams({ username, password, _csrf: csrf }).toString();
  const res = await http(from, '/console/sign-in', {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return res.status;
}

beforeEach(async () => {
  now = 1_764_000_000_000;
  hub = await startTestHub({}, { clock: () => now });
  const created = await createConsoleUser(hub.deps, { name: 'alice', role: 'n1', password: PASSWORD });
  if (!created.ok) throw new Error(created.code);
});

afterEach(async () => {
  await hub.close();
});

describe('console sign-in over real sockets from ten loopback addresses', () => {
  it('locks the account at its fifth wrong password whichever address guesses, and the lock ends', {
    timeout: 60_000,
  }, async () => {
    const addresses = Array.from({ length: 10 }, (_, i) => `127.0.0.${i + 2}`);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1)
      statuses.push(await signIn(addresses[i % 10] ?? '', 'alice', `guess ${i}`));
    // No address went over its own budget (two tries each): only the account's lock refuses.
    expect(statuses).toEqual([401, 401, 401, 401, ...Array(16).fill(429)]);
    expect(await signIn('127.0.0.42', 'alice', PASSWORD)).toBe(429);

    const { events } = await listSecurityEvents(hub.deps.db, { kind: 'sign-in.locked', limit: 5, offset: 0 });
    // The hub saw the socket's address, not a header anyone could write.
    expect(events.map((e) => [e.subject, e.address])).toEqual([['alice', '127.0.0.6']]);

    now += 30_000;
    expect(await signIn('127.0.0.42', 'alice', PASSWORD)).toBe(303);
  });

  it('checks no more than the allowed guesses when they all arrive at once', {
    timeout: 60_000,
  }, async () => {
    const addresses = Array.from({ length: 10 }, (_, i) => `127.0.0.${i + 12}`);
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => signIn(addresses[i % 10] ?? '', 'alice', `guess ${i}`)),
    );
    // Each guess is numbered before its password is checked: four wrong, the fifth locks, the
    // other fifteen are refused unchecked, whatever order they finish in.
    expect(statuses.filter((s) => s === 401)).toHaveLength(4);
    expect(statuses.filter((s) => s === 429)).toHaveLength(16);
    expect(await signIn('127.0.0.42', 'alice', PASSWORD)).toBe(429);
  });
});
