import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import type { HubDeps } from '../config/deps.js';
import { createConsoleUser } from '../console/security/accounts.js';
import { createEnrolmentToken } from '../enrolment/create-enrolment-token.js';
import { createTestDeps, testHubServices, userToken } from '../test-support/test-hub.js';
import { SECURITY_AUDIT_KINDS } from './kinds.js';
import { listSecurityEvents, pruneSecurityEvents, recordSecurityEvent } from './store.js';

let now = 1_764_000_000_000;
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let admin: string;

const get = (path: string, token: string) =>
  app.request(path, { headers: { authorization: `Bearer ${token}` } });

beforeEach(async () => {
  now = 1_764_000_000_000;
  deps = await createTestDeps(() => now);
  app = createApp(testHubServices(deps));
  admin = await userToken(deps, 'admin', 'admin');
});

describe('security audit store', () => {
  it('records any kind with its details, newest first, and pages through them', async () => {
    for (let i = 0; i < 5; i += 1) {
      now += 1000;
      const where = { address: `192.0.2.${i}`, subject: `subject-${i}`, details: { i } };
      await recordSecurityEvent(
        deps,
        i % 2 === 0
          ? { kind: 'enrolment.refused', reason: 'TOKEN_UNKNOWN', ...where }
          : { kind: 'sign-in.locked', reason: 'TOO_MANY_FAILURES', ...where },
      );
    }
    const first = await listSecurityEvents(deps.db, { limit: 2, offset: 0 });
    expect(first.total).toBe(5);
    expect(first.events.map((e) => e.details)).toEqual([{ i: 4 }, { i: 3 }]);
    const refused = await listSecurityEvents(deps.db, { kind: 'enrolment.refused', limit: 10, offset: 1 });
    expect(refused.total).toBe(3);
    expect(refused.events.map((e) => e.subject)).toEqual(['subject-2', 'subject-0']);
    expect(await pruneSecurityEvents(deps.db, now - 1500)).toBe(3);
    expect((await listSecurityEvents(deps.db, { limit: 10, offset: 0 })).total).toBe(2);
  });

  it('lists a reason for every kind, so a new signal has its place before it is recorded', () => {
    for (const reasons of Object.values(SECURITY_AUDIT_KINDS)) expect(reasons.length).toBeGreaterThan(0);
  });
});

describe('GET /api/v1/audit', () => {
  beforeEach(async () => {
    for (let i = 0; i < 3; i += 1) {
      now += 1000;
      await recordSecurityEvent(deps, {
        kind: 'enrolment.refused',
        reason: 'TOKEN_EXPIRED',
        address: '192.0.2.1',
      });
    }
    await recordSecurityEvent(deps, {
      kind: 'sign-in.locked',
      reason: 'TOO_MANY_FAILURES',
      subject: 'alice',
    });
  });

  it('answers admins a page, the total and where the next page starts, filtered by kind', async () => {
    const res = await get('/api/v1/audit?kind=enrolment.refused&limit=2', admin);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { events: unknown[]; total: number; nextOffset: number | null };
    expect(body.total).toBe(3);
    expect(body.events).toHaveLength(2);
    expect(body.nextOffset).toBe(2);
    const last = (await (
      await get('/api/v1/audit?kind=enrolment.refused&offset=2', admin)
    ).json()) as typeof body;
    expect(last.events).toHaveLength(1);
    expect(last.nextOffset).toBeNull();
    expect(((await (await get('/api/v1/audit', admin)).json()) as typeof body).total).toBe(4);
  });

  it('refuses anyone but an admin, and an unknown kind', async () => {
    for (const role of ['n3', 'readonly'] as const) {
      const token = await userToken(deps, `user-${role}`, role);
      expect((await get('/api/v1/audit', token)).status).toBe(403);
    }
    expect((await app.request('/api/v1/audit')).status).toBe(401);
    expect((await get('/api/v1/audit?kind=nope', admin)).status).toBe(400);
  });
});

/** A console session for `name` (form, then post); its cookie. */
async function consoleCookie(name: string): Promise<string> {
  const created = await createConsoleUser(deps, {
    name,
    role: name === 'admin2' ? 'admin' : 'n3',
    password: 'correct horse battery',
  });
  if (!created.ok) throw new Error(created.code);
  const form = await app.request('/console/sign-in');
  const pre = form.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const res = await app.request('/console/sign-in', {
    method: 'POST',
    headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: name, password: 'correct horse battery', _csrf: csrf }).toString(),
  });
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .filter((c) => c?.startsWith('vigie_session='))
    .join('; ');
}

describe('/console/admin/audit', () => {
  it("lists the signals in French with labels, the token by client and site, dates in the reader's locale, no raw ids or epochs", {
    timeout: 30_000,
  }, async () => {
    const created = await createEnrolmentToken(deps, {
      client: 'acme',
      site: 'lyon',
      maxUses: 5,
      ttlMs: 3_600_000,
      note: 'accueil',
    });
    now += 3_600_001;
    const refused = await app.request('/api/v1/enrol', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token: created.token,
        fingerprint: 'abcdefabcdefabcdefabcdef',
        hostname: 'pc-accueil-03',
        os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1', arch: 'x64' },
      }),
    });
    expect(refused.status).toBe(401);
    await recordSecurityEvent(deps, {
      kind: 'sign-in.locked',
      reason: 'TOO_MANY_FAILURES',
      address: '192.0.2.8',
      subject: 'alice',
      details: { failures: 5, lockSeconds: 60, lockInARow: 2 },
    });
    const cookie = await consoleCookie('admin2');
    const fr = await (await app.request('/console/admin/audit?lang=fr', { headers: { cookie } })).text();
    for (const text of [
      'Journal de sécurité',
      'Inscription refusée',
      'Jeton expiré',
      'jeton acme / lyon (accueil)',
      'machine pc-accueil-03',
      'Compte verrouillé',
      'Trop de mots de passe erronés',
      'compte alice',
      '5 échecs, verrouillé 1 min (verrouillage n° 2 d’affilée)',
      new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short' }).format(new Date(now)),
    ])
      expect(fr).toContain(text.replaceAll("'", '&#39;'));
    expect(fr).not.toContain(created.id);
    expect(fr).not.toContain(String(now));
    expect(fr).not.toMatch(/TOKEN_|TOO_MANY|aud_/);

    const en = await (
      await app.request('/console/admin/audit?lang=en&kind=sign-in.locked', { headers: { cookie } })
    ).text();
    expect(en).toContain('Account locked');
    expect(en).not.toContain('Enrolment refused</td>');
  });

  it('is for admins only', { timeout: 30_000 }, async () => {
    const cookie = await consoleCookie('tech');
    expect((await app.request('/console/admin/audit', { headers: { cookie } })).status).toBe(403);
  });
});
