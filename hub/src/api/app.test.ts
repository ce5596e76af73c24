import { type EnrolRequest, ERROR_CODES } from '@vigie/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { createUserWithToken } from '../access/create-user.js';
import type { HubDeps } from '../config/deps.js';
import { createTestDeps, enrolTestAgent, testHubServices } from '../test-support/test-hub.js';
import { createApp } from './app.js';

let now = 1_764_000_000_000;
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let adminToken: string;
let readerToken: string;

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const json = (body: unknown, token?: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token ? auth(token) : {}) },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

const enrolBody = (token: string): EnrolRequest => ({
  token,
  fingerprint: 'abcdefabcdefabcdefabcdef',
  hostname: 'pc-accueil-03',
  os: {
    platform: 'win32',
    distro: 'Microsoft Windows 11 Pro',
    release: '10.0.22631',
    kernel: '10.0.22631',
    arch: 'x64',
  },
});

beforeEach(async () => {
  now = 1_764_000_000_000;
  deps = await createTestDeps(() => now);
  app = createApp(testHubServices(deps));
  const admin = await createUserWithToken(deps, { name: 'admin', role: 'admin' });
  const reader = await createUserWithToken(deps, { name: 'lecteur', role: 'readonly' });
  if (!admin.ok || !reader.ok) throw new Error('users');
  adminToken = admin.token;
  readerToken = reader.token;
});

async function createToken(body: Record<string, unknown> = {}) {
  const res = await app.request(
    '/api/v1/enrolment-tokens',
    json({ client: 'acme', site: 'lyon', ...body }, adminToken),
  );
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; token: string };
}

describe('GET /healthz', () => {
  it('answers ok with the database reachable, without a token', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: 'ok', agentsConnected: 0 });
  });

  it('answers 503 degraded when the database is gone', async () => {
    await deps.db.destroy();
    const res = await app.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'degraded', database: 'unavailable' });
  });
});

describe('bearer auth', () => {
  it.each([
    ['no header', {}],
    ['an unknown token', auth('vga_nope')],
    ['a malformed header', { authorization: 'Basic abc' }],
  ])('refuses %s with UNAUTHENTICATED', async (_label, headers) => {
    const res = await app.request('/api/v1/hosts', { headers });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  it('lets a read-only user list hosts but not create enrolment tokens', async () => {
    expect((await app.request('/api/v1/hosts', { headers: auth(readerToken) })).status).toBe(200);
    const res = await app.request('/api/v1/enrolment-tokens', json({}, readerToken));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });
});

describe('POST /api/v1/enrol', () => {
  it('trades a token for a credential once, and the host appears in the fleet with the token client/site', async () => {
    const { token } = await createToken({ role: 'workstation' });
    const res = await app.request('/api/v1/enrol', json(enrolBody(token)));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { agentId: string; secret: string; hostId: string };
    expect(body.secret).toMatch(/^vgs_/);
    const agent = await deps.db.selectFrom('agents').selectAll().executeTakeFirstOrThrow();
    expect(agent.secret_hash).not.toContain(body.secret);

    const hosts = await (await app.request('/api/v1/hosts', { headers: auth(adminToken) })).json();
    expect(hosts).toMatchObject({
      hosts: [
        {
          id: body.hostId,
          hostname: 'pc-accueil-03',
          client: 'acme',
          site: 'lyon',
          role: 'workstation',
          online: false,
          health: null,
        },
      ],
    });
  });

  it.each([
    ['an unknown token', async () => 'vge_unknown_unknown_unknown', 'TOKEN_UNKNOWN'],
    [
      'an exhausted token',
      async () => {
        const { token } = await createToken({ maxUses: 1 });
        await app.request('/api/v1/enrol', json(enrolBody(token)));
        return token;
      },
      'TOKEN_USED_UP',
    ],
    [
      'an expired token',
      async () => {
        const { token } = await createToken({ ttlHours: 1 });
        now += 3_600_001;
        return token;
      },
      'TOKEN_EXPIRED',
    ],
    [
      'a revoked token',
      async () => {
        const { id, token } = await createToken();
        expect(
          (
            await app.request(`/api/v1/enrolment-tokens/${id}`, {
              method: 'DELETE',
              headers: auth(adminToken),
            })
          ).status,
        ).toBe(204);
        return token;
      },
      'TOKEN_REVOKED',
    ],
  ])(
    'refuses %s with the one generic code, creates no host, and audits the real reason',
    async (_label, makeToken, reason) => {
      const token = await makeToken();
      const before = (await deps.db.selectFrom('hosts').select('id').execute()).length;
      const res = await app.request('/api/v1/enrol', json(enrolBody(token)), {
        incoming: { socket: { remoteAddress: '203.0.113.7' } },
      });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { code: string; message: string } };
      // The peer learns nothing about the token's state: same code, same message for every reason.
      expect(body).toEqual({
        error: { code: 'ENROLMENT_REFUSED', message: ERROR_CODES.ENROLMENT_REFUSED.message },
      });
      expect(await deps.db.selectFrom('hosts').select('id').execute()).toHaveLength(before);

      const audit = await app.request('/api/v1/audit?kind=enrolment.refused', { headers: auth(adminToken) });
      expect(audit.status).toBe(200);
      const { events } = (await audit.json()) as {
        events: { reason: string; address: string; details: unknown }[];
      };
      expect(events).toEqual([
        expect.objectContaining({
          kind: 'enrolment.refused',
          reason,
          address: '203.0.113.7',
          details: { hostname: 'pc-accueil-03', fingerprint: 'abcdefabcdefabcdefabcdef' },
        }),
      ]);
    },
  );

  it('keeps the per-address limit, and audits the refusal that closes an address once', async () => {
    const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });
    for (let i = 0; i < 10; i += 1)
      expect(
        (
          await app.request(
            '/api/v1/enrol',
            json(enrolBody(`vge_guess_${i}_guess_guess`)),
            from('198.51.100.9'),
          )
        ).status,
      ).toBe(401);
    const closed = await app.request(
      '/api/v1/enrol',
      json(enrolBody('vge_guess_x_guess_guess')),
      from('198.51.100.9'),
    );
    expect(closed.status).toBe(429);
    // Another address is not held back by the first one's guesses.
    expect(
      (await app.request('/api/v1/enrol', json(enrolBody('vge_guess_y_guess_guess')), from('198.51.100.10')))
        .status,
    ).toBe(401);
    const throttled = (await (
      await app.request('/api/v1/audit?kind=enrolment.throttled', { headers: auth(adminToken) })
    ).json()) as { events: { address: string; reason: string }[] };
    expect(throttled.events).toEqual([
      expect.objectContaining({ address: '198.51.100.9', reason: 'ADDRESS_RATE_LIMITED' }),
    ]);
  });

  it('answers VALIDATION_FAILED with the offending fields', async () => {
    const res = await app.request('/api/v1/enrol', json({ token: 'short', hostname: '' }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.map((d) => d.path)).toEqual(
      expect.arrayContaining(['token', 'hostname', 'fingerprint']),
    );
  });

  it('answers BAD_REQUEST on a body that is not JSON and PAYLOAD_TOO_LARGE on a huge one', async () => {
    expect(await (await app.request('/api/v1/enrol', json('{nope'))).json()).toMatchObject({
      error: { code: 'BAD_REQUEST' },
    });
    const res = await app.request('/api/v1/enrol', json({ token: 'x'.repeat(300_000) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});

describe('hosts', () => {
  it('answers NOT_FOUND for an unknown host, its metrics and inventory', async () => {
    for (const path of [
      '/api/v1/hosts/hst_nope',
      '/api/v1/hosts/hst_nope/metrics',
      '/api/v1/hosts/hst_nope/inventory',
    ]) {
      const res = await app.request(path, { headers: auth(adminToken) });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  it('returns the series between from and to, oldest first', async () => {
    const { hostId } = await enrolTestAgent(deps);
    const rows = [100, 200, 300, 400].map((at, i) => ({
      host_id: hostId,
      boot_id: 'boot_test_0001',
      seq: i + 1,
      idx: 0,
      at,
      received_at: at,
      cpu_pct: i * 10,
      mem_pct: 50,
      swap_pct: 0,
      disk_max_pct: 70,
      load1: 1,
      payload: '{}',
    }));
    await deps.db.insertInto('samples').values(rows).execute();
    const res = await app.request(`/api/v1/hosts/${hostId}/metrics?from=200&to=350`, {
      headers: auth(adminToken),
    });
    const body = (await res.json()) as { points: { at: number; cpuPct: number }[] };
    expect(body.points.map((p) => [p.at, p.cpuPct])).toEqual([
      [200, 10],
      [300, 20],
    ]);
    const bad = await app.request(`/api/v1/hosts/${hostId}/metrics?from=abc`, { headers: auth(adminToken) });
    expect(bad.status).toBe(400);
  });

  it('filters the fleet by search, escaping LIKE wildcards', async () => {
    await enrolTestAgent(deps, 'srv-db-01', 'aaaaaaaaaaaaaaaaaaaa01');
    await enrolTestAgent(deps, 'pc_compta', 'aaaaaaaaaaaaaaaaaaaa02');
    const names = async (q: string) =>
      (
        (await (
          await app.request(`/api/v1/hosts?search=${encodeURIComponent(q)}`, { headers: auth(adminToken) })
        ).json()) as {
          hosts: { hostname: string }[];
        }
      ).hosts.map((h) => h.hostname);
    expect(await names('DB')).toEqual(['srv-db-01']);
    expect(await names('_')).toEqual(['pc_compta']);
    expect(await names('%')).toEqual([]);
  });

  it('revokes a host credential (admin only)', async () => {
    const { hostId } = await enrolTestAgent(deps);
    expect(
      (await app.request(`/api/v1/hosts/${hostId}/revoke`, { method: 'POST', headers: auth(readerToken) }))
        .status,
    ).toBe(403);
    const res = await app.request(`/api/v1/hosts/${hostId}/revoke`, {
      method: 'POST',
      headers: auth(adminToken),
    });
    expect(res.status).toBe(200);
    const agent = await deps.db.selectFrom('agents').select('revoked_at').executeTakeFirstOrThrow();
    expect(agent.revoked_at).toBe(now);
  });
});

describe('unknown routes', () => {
  it('answer JSON NOT_FOUND', async () => {
    const res = await app.request('/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
