import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnrolResponse } from '@vigie/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../../support/hub-fixture.js';
import { HUB_BIN, pollUntil, runCli } from '../../support/processes.js';
import { helloFor, openRawAgent } from '../../support/raw-agent.js';

// Cases 5–7 of docs/reliability.md ("Hostile peer") against a real `vigie-hub start` process (port
// 0, a temp SQLite file), over real HTTP and a raw agent socket: a software name built to run as a
// formula in a spreadsheet, password guesses from several loopback addresses, and enrolment with
// tokens in each refused state. The hub-level tests (csv.test.ts, sign-in-sockets.test.ts,
// app.test.ts) prove the same with an in-process hub and an injected clock; this is the shipped
// binary, as an outsider reaches it.

const PASSWORD = 'correct horse battery';
const OS = { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0', arch: 'x64' };
const FINGERPRINT = 'abcdefabcdefabcdefabcdef';
/** What a spreadsheet would read as a formula at the start of a cell. */
const FORMULA_START = /^[=+\-@\t\r]/;

let dir: string;
let hub: TestHub;
let port: number;
/** An admin API token of our own, to read the CSV as text (the fixture's `api` parses JSON). */
let exporterToken: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-csv-signin-'));
  hub = await startHub(dir);
  port = Number(new URL(hub.url).port);
  const exporter = await runCli(HUB_BIN, [
    'user',
    'create',
    'exporter',
    '--role',
    'admin',
    '--db',
    join(dir, 'hub.db'),
    '--quiet',
  ]);
  if (exporter.code !== 0) throw new Error(`user create failed: ${exporter.output}`);
  exporterToken = exporter.output.trim();
}, 60_000);

afterAll(async () => {
  await hub?.process.stop();
  rmSync(dir, { recursive: true, force: true });
});

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
        port,
        path,
        method: init.method ?? 'GET',
        headers: { 'accept-language': 'fr-FR,fr;q=0.9', ...init.headers },
        localAddress: from,
        timeout: 10_000,
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
    req.on('timeout', () => req.destroy(new Error(`no answer to ${path} within 10 s`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/** The console's sign-in flow: fetch the form (cookie + CSRF token), then post it. */
async function signIn(from: string, username: string, password: string) {
  const form = await http(from, '/console/sign-in');
  expect(form.status).toBe(200);
  const cookie = form.cookies.map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
  expect(csrf).toBeDefined();
  const body = new URLSearchParams({ username, password, _csrf: csrf ?? '' }).toString();
  return http(from, '/console/sign-in', {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

/** `vigie-hub user create … --password-stdin` on the hub's database (the password never in argv). */
function createConsoleUser(name: string, role: string, password: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        HUB_BIN,
        'user',
        'create',
        name,
        '--role',
        role,
        '--password-stdin',
        '--db',
        join(dir, 'hub.db'),
        '--quiet',
      ],
      { stdio: ['pipe', 'ignore', 'inherit'] },
    );
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.stdin.end(`${password}\n`);
  });
}

async function createToken(body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const res = await hub.api<{ id: string; token: string }>('/api/v1/enrolment-tokens', {
    method: 'POST',
    body: JSON.stringify({ client: 'acme', site: 'lab', ...body }),
  });
  expect(res.status).toBe(201);
  return res.body;
}

async function enrol(token: string, hostname: string) {
  const res = await fetch(`${hub.url}/api/v1/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, fingerprint: FINGERPRINT, hostname, os: OS }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('hostile peer: CSV export, password guessing and enrolment refusals against a real hub', () => {
  it('(5) exports hostile software names with no piece starting a formula, split on `,` `;` or line breaks; the API keeps them verbatim', {
    timeout: 60_000,
  }, async () => {
    const { token } = await createToken({ client: 'csv-client', maxUses: 1, ttlHours: 1 });
    const enrolled = await enrol(token, 'csv-01');
    expect(enrolled.status).toBe(201);
    const credential = enrolled.body as unknown as EnrolResponse;

    const names = ['aa;=1+1', 'x,@SUM(1)', '-2+3', 'line\n=cmd|x', 'bb; "=1'];
    const agent = await openRawAgent(hub.url);
    try {
      agent.send(
        helloFor(credential, {
          bootId: 'boot_csv_000001',
          hostname: 'csv-01',
          fingerprint: FINGERPRINT,
          os: OS,
        }),
      );
      await agent.next('welcome', 10_000).catch((error: Error) => {
        throw new Error(`${error.message}; received ${JSON.stringify(agent.received)}`);
      });
      agent.send({
        type: 'inventory',
        bootId: 'boot_csv_000001',
        seq: 1,
        at: Date.now(),
        hash: 'hash-csv-hostile',
        chunk: 0,
        chunks: 1,
        software: names.map((name) => ({ name, version: '1.0', source: 'dpkg' })),
      });
      await agent.next('ack', 10_000);
    } finally {
      agent.ws.terminate();
    }

    // The API returns what was stored, byte for byte.
    const stored = await pollUntil(
      async () => {
        const { status, body } = await hub.api<{ software: { name: string }[] }>(
          '/api/v1/inventory/software?client=csv-client',
        );
        return status === 200 && body.software.length === names.length ? body.software : undefined;
      },
      10_000,
      'the inventory stored',
    );
    expect(stored.map((s) => s.name).sort()).toEqual([...names].sort());

    const res = await fetch(`${hub.url}/api/v1/inventory/software.csv?client=csv-client`, {
      headers: { authorization: `Bearer ${exporterToken}` },
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const csv = await res.text();
    expect(csv.split(/\r\n|\r|\n/)[0]).toBe(
      'hostname,client,site,name,version,publisher,source,installed_at',
    );
    expect(csv).toContain('csv-01');

    // Split as a spreadsheet might, ignoring the quoting: no piece may start a formula.
    const pieces = csv.split(/\r\n|\r|\n|,|;/).map((p) => p.replace(/^[ "]+/, ''));
    const starting = pieces.filter((p) => FORMULA_START.test(p));
    expect(starting).toEqual([]);
    // …and the neutralising apostrophe is there, not the name dropped.
    expect(csv).toContain(`"aa;'=1+1"`);
    expect(csv).toContain(`"x,'@SUM(1)"`);
  });

  it('(6) locks an account at its fifth wrong password from mixed loopback addresses; the right password then gets 429 and the French message', {
    timeout: 90_000,
  }, async () => {
    expect(await createConsoleUser('alice', 'n1', PASSWORD)).toBe(0);
    const addresses = ['127.0.0.21', '127.0.0.22', '127.0.0.23', '127.0.0.24', '127.0.0.25'];
    const answers = [];
    for (const [i, from] of addresses.entries()) answers.push(await signIn(from, 'alice', `guess ${i}`));
    // One guess per address, far under the per-address limit: only the account's lock refuses.
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 429]);

    const right = await signIn('127.0.0.26', 'alice', PASSWORD);
    expect(right.status).toBe(429);
    expect(right.text).toContain('Compte temporairement verrouillé');

    const { status, body } = await hub.api<{ events: { kind: string; subject: string; address: string }[] }>(
      '/api/v1/audit?kind=sign-in.locked',
    );
    expect(status).toBe(200);
    // The hub saw the socket address of the fifth guess, not a header anyone could write.
    expect(body.events.map((e) => [e.subject, e.address.replace(/^::ffff:/, '')])).toEqual([
      ['alice', '127.0.0.25'],
    ]);
  });

  it('(7) refuses unknown, expired, used-up and revoked tokens alike; the audit holds the real reasons', {
    timeout: 60_000,
  }, async () => {
    const usedUp = await createToken({ maxUses: 1, ttlHours: 1 });
    expect((await enrol(usedUp.token, 'enrol-ok-01')).status).toBe(201);
    const revoked = await createToken({ maxUses: 5, ttlHours: 1 });
    expect((await hub.api(`/api/v1/enrolment-tokens/${revoked.id}`, { method: 'DELETE' })).status).toBe(204);
    // The API's shortest lifetime is 0.01 h (36 s); the CLI takes any, so ~1 s and wait it out.
    const cli = await runCli(HUB_BIN, [
      'token',
      'create',
      '--client',
      'acme',
      '--site',
      'lab',
      '--ttl',
      '0.0003',
      '--quiet',
      '--db',
      join(dir, 'hub.db'),
    ]);
    expect(cli.code).toBe(0);
    const expired =
      cli.output
        .trim()
        .split(/\s+/)
        .find((w) => w.startsWith('vge_')) ?? '';
    expect(expired).not.toBe('');
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const cases = [
      ['TOKEN_UNKNOWN', 'vge_unknown_unknown_unknown', 'enrol-unknown'],
      ['TOKEN_EXPIRED', expired, 'enrol-expired'],
      ['TOKEN_USED_UP', usedUp.token, 'enrol-usedup'],
      ['TOKEN_REVOKED', revoked.token, 'enrol-revoked'],
    ] as const;
    const answers = [];
    for (const [, token, hostname] of cases) answers.push(await enrol(token, hostname));
    // The peer learns nothing about the token's state: one status, one body for every reason.
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([401]));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(answers[0]?.body).toMatchObject({ error: { code: 'ENROLMENT_REFUSED' } });

    const { status, body } = await hub.api<{
      events: { kind: string; reason: string; address: string; details: { hostname?: string } }[];
    }>('/api/v1/audit?kind=enrolment.refused');
    expect(status).toBe(200);
    const reasons = Object.fromEntries(body.events.map((e) => [e.details.hostname, e.reason]));
    for (const [reason, , hostname] of cases) expect(reasons[hostname]).toBe(reason);
    expect(body.events.every((e) => e.address.replace(/^::ffff:/, '') === '127.0.0.1')).toBe(true);
  });
});
