import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import type { HubDeps } from '../config/deps.js';
import type { UserRole } from '../db/tables/users.js';
import { openByHand } from '../incidents/open-by-hand.js';
import { insertChannel } from '../notify/channels/store.js';
import { insertMaintenanceWindow } from '../repositories/maintenance-windows.js';
import { insertClient, setUserClients } from '../tenancy/clients.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps, enrolTestAgent, testHubServices } from '../test-support/test-hub.js';
import { CONTENT_SECURITY_POLICY, createConsole, PUBLIC_CONSOLE_PATHS } from './console-app.js';
import { createConsoleUser, updateUserAccess } from './security/accounts.js';

let now = 1_764_000_000_000;
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
const PASSWORD = 'correct horse battery';

/** A signed-in browser: its cookie header and the session's CSRF token. */
interface Browser {
  cookie: string;
  csrf: string;
}

function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

async function signIn(name: string, password = PASSWORD): Promise<Browser & { status: number }> {
  const form = await app.request('/console/sign-in');
  const pre = cookiesOf(form);
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const res = await app.request('/console/sign-in', {
    method: 'POST',
    headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: name, password, _csrf: token }).toString(),
  });
  const cookie = cookiesOf(res)
    .split('; ')
    .filter((c) => c.startsWith('vigie_session='))
    .join('; ');
  const page = await app.request('/console/hosts', { headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  return { status: res.status, cookie, csrf };
}

function post(browser: Browser, path: string, fields: Record<string, string>) {
  return app.request(path, {
    method: 'POST',
    headers: { cookie: browser.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

async function user(name: string, role: UserRole) {
  const created = await createConsoleUser(deps, { name, role, password: PASSWORD });
  if (!created.ok) throw new Error(created.code);
}

/** An incident opened by hand, as a technician would from the API; its id. */
async function openTicket(title: string, severity: 'warning' | 'critical', client = 'acme'): Promise<string> {
  const runtime = testIncidentRuntime({ random: deps.random });
  const opened = await deps.db
    .transaction()
    .execute((trx) => openByHand(trx, runtime, { client, title, severity }, { user: 'x', now }));
  if (!opened.ok) throw new Error(opened.code);
  return opened.incident.id;
}

beforeEach(async () => {
  now = 1_764_000_000_000;
  deps = await createTestDeps(() => now);
  app = createApp(testHubServices(deps));
  await user('admin', 'admin');
  await user('alice', 'n1');
  await user('lecteur', 'readonly');
});

describe('sign-in', () => {
  it('opens a session with an HttpOnly, SameSite=Strict cookie and lands on the N1 queue', async () => {
    const form = await app.request('/console/sign-in');
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const res = await app.request('/console/sign-in', {
      method: 'POST',
      headers: { cookie: cookiesOf(form), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'alice', password: PASSWORD, _csrf: token }).toString(),
    });
    expect(res.status).toBe(303);
    const session = res.headers.getSetCookie().find((c) => c.startsWith('vigie_session='));
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(session).not.toMatch(/Secure/); // plain HTTP here; Secure is set when the hub serves TLS
    const home = await app.request('/console', {
      headers: {
        cookie:
          cookiesOf(res)
            .split('; ')
            .find((c) => c.startsWith('vigie_session=')) ?? '',
      },
    });
    expect(home.headers.get('location')).toBe('/console/queue/N1');
  });

  it('refuses a wrong password, a disabled user and a form without its CSRF cookie', async () => {
    expect((await signIn('alice', 'wrong password!')).status).toBe(401);
    expect((await signIn('nobody')).status).toBe(401);
    const alice = await deps.db
      .selectFrom('users')
      .select('id')
      .where('name', '=', 'alice')
      .executeTakeFirstOrThrow();
    await updateUserAccess(deps.db, alice.id, { disabledAt: now });
    expect((await signIn('alice')).status).toBe(401);
    const res = await app.request('/console/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'alice', password: PASSWORD, _csrf: 'forged' }).toString(),
    });
    expect(res.status).toBe(403);
  });

  it('answers 429 after ten failed sign-ins a minute from one address, and lets it try again later', async () => {
    // Ten names, so the per-account lock (account-lockout.test.ts) does not answer first.
    for (let i = 0; i < 10; i += 1)
      expect((await signIn(`guess-${i}`, `wrong password ${i}`)).status).toBe(401);
    expect((await signIn('alice')).status).toBe(429);
    now += 60_000;
    expect((await signIn('alice')).status).toBe(303);
  });

  it('ends the session at sign-out and after the idle limit', async () => {
    const alice = await signIn('alice');
    expect((await app.request('/console/hosts', { headers: { cookie: alice.cookie } })).status).toBe(200);
    now += 2 * 3_600_000 + 1;
    const expired = await app.request('/console/hosts', { headers: { cookie: alice.cookie } });
    expect(expired.status).toBe(303);
    expect(expired.headers.get('location')).toMatch(/^\/console\/sign-in/);

    const again = await signIn('alice');
    expect((await post(again, '/console/sign-out', { _csrf: again.csrf })).status).toBe(303);
    expect((await app.request('/console/hosts', { headers: { cookie: again.cookie } })).status).toBe(303);
  });
});

describe('every console route is guarded', () => {
  const consoleRoutes = () =>
    createConsole(deps)
      .routes.filter((r) => r.method !== 'ALL' && !PUBLIC_CONSOLE_PATHS.includes(r.path))
      .map((r) => ({ method: r.method, path: r.path.replace(/:(\w+)/g, 'x') }));

  it('walks the route table: nothing but sign-in and static answers without a session', async () => {
    const routes = consoleRoutes();
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      const res = await app.request(route.path, { method: route.method });
      expect([303, 401], `${route.method} ${route.path}`).toContain(res.status);
      if (res.status === 303) expect(res.headers.get('location')).toMatch(/^\/console\/sign-in/);
    }
  });

  it('walks the route table as read-only and as N1: admin pages and (for read-only) every action are 403', async () => {
    for (const name of ['lecteur', 'alice']) {
      const browser = await signIn(name);
      for (const route of consoleRoutes()) {
        const isAdmin = route.path.startsWith('/console/admin');
        const isAction = route.method === 'POST' && route.path !== '/console/sign-out';
        if (!isAdmin && !(isAction && name === 'lecteur')) continue;
        const res =
          route.method === 'POST'
            ? await post(browser, route.path, { _csrf: browser.csrf })
            : await app.request(route.path, { headers: { cookie: browser.cookie } });
        expect(res.status, `${name}: ${route.method} ${route.path}`).toBe(403);
      }
    }
  });

  it('refuses a form without the session CSRF token, and changes nothing', async () => {
    const incidentId = await openTicket('Imprimante', 'warning');
    const alice = await signIn('alice');
    const path = `/console/incidents/${incidentId}/acknowledge`;
    expect((await post(alice, path, { _csrf: 'not-the-token' })).status).toBe(403);
    const cross = await app.request(path, {
      method: 'POST',
      headers: {
        cookie: alice.cookie,
        origin: 'https://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ _csrf: alice.csrf }).toString(),
    });
    expect(cross.status).toBe(403);
    const row = await deps.db.selectFrom('incidents').select('state').executeTakeFirstOrThrow();
    expect(row.state).toBe('new');

    expect((await post(alice, path, { _csrf: alice.csrf })).status).toBe(303);
    const after = await deps.db
      .selectFrom('incidents')
      .select(['state', 'acknowledged_at'])
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ state: 'acknowledged', acknowledged_at: now });
    const events = await deps.db
      .selectFrom('incident_events')
      .select(['kind', 'actor'])
      .orderBy('at')
      .execute();
    expect(events.at(-1)).toEqual({ kind: 'acknowledged', actor: 'user:alice' });
  });
});

describe('pages', () => {
  it('sends a strict CSP with no inline script, and escapes an attacker-chosen hostname', async () => {
    const credential = await enrolTestAgent(deps, '<img src=x onerror=alert(1)>');
    const admin = await signIn('admin');
    const res = await app.request('/console/hosts', { headers: { cookie: admin.cookie } });
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval/);
    const html = await res.text();
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/);
    const host = await app.request(`/console/hosts/${credential.hostId}`, {
      headers: { cookie: admin.cookie },
    });
    expect(await host.text()).not.toContain('<img src=x');
  });

  it('speaks French by default and English after ?lang=en, remembered by a cookie', async () => {
    const alice = await signIn('alice');
    const fr = await (await app.request('/console/queue/N1', { headers: { cookie: alice.cookie } })).text();
    expect(fr).toContain('<html lang="fr">');
    expect(fr).toContain('File N1');
    const en = await app.request('/console/queue/N1?lang=en', { headers: { cookie: alice.cookie } });
    expect(await en.text()).toContain('N1 queue');
    const lang =
      en.headers
        .getSetCookie()
        .find((c) => c.startsWith('vigie_lang='))
        ?.split(';')[0] ?? '';
    const later = await app.request('/console/hosts', { headers: { cookie: `${alice.cookie}; ${lang}` } });
    expect(await later.text()).toContain('<html lang="en">');
  });

  it('lists open incidents of a level, highest priority first, with the SLA clock', async () => {
    await openTicket('Faible', 'warning');
    await openTicket('Forte', 'critical');
    const alice = await signIn('alice');
    const levels = await deps.db.selectFrom('incidents').select(['title', 'level', 'priority']).execute();
    const level = levels[0]?.level ?? 'N1';
    const html = await (
      await app.request(`/console/queue/${level}?fragment=rows`, { headers: { cookie: alice.cookie } })
    ).text();
    const order = levels
      .filter((l) => l.level === level)
      .sort((a, b) => b.priority - a.priority)
      .map((l) => l.title);
    const shown = [...html.matchAll(/<a href="\/console\/incidents\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(shown).toEqual(order);
    expect(html).toContain('<meter');
  });

  it("shows when a fault cleared, in the reader's language, and filters the recovered tickets waiting to close", async () => {
    const recovered = await openTicket('Rétabli', 'critical');
    await openTicket('Toujours en panne', 'critical');
    const at = now + 90_000;
    await deps.db.updateTable('incidents').set({ recovered_at: at }).where('id', '=', recovered).execute();
    const alice = await signIn('alice');
    const level = (await deps.db.selectFrom('incidents').select('level').executeTakeFirstOrThrow()).level;
    const get = async (path: string) =>
      (await app.request(path, { headers: { cookie: alice.cookie } })).text();
    const hhmm = (locale: string) => new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(at);

    const waiting = await get(`/console/queue/${level}?state=recovering&fragment=rows`);
    const titles = [...waiting.matchAll(/<a href="\/console\/incidents\/[^"]+">([^<]+)<\/a>/g)].map(
      (m) => m[1],
    );
    expect(titles).toEqual(['Rétabli']);
    expect(waiting).toContain(`Rétabli à ${hhmm('fr-FR')}, en attente de clôture`);
    expect(await get(`/console/queue/${level}`)).toContain(
      '<option value="recovering">Rétabli, en attente de clôture</option>',
    );
    expect(await get(`/console/incidents/${recovered}?lang=en`)).toContain(
      `Recovered at ${hhmm('en-GB')}, waiting`,
    );
  });

  it('shows a client-scoped technician only its clients, in queues and by address', async () => {
    const ids: Record<string, string> = {};
    for (const client of ['acme', 'globex']) {
      await insertClient(deps.db, `cli_${client}`, { name: client, note: '', createdBy: null, now });
      ids[client] = await openTicket(`Panne ${client}`, 'warning', client);
    }
    await user('bob', 'n1');
    const bob = await deps.db
      .selectFrom('users')
      .select('id')
      .where('name', '=', 'bob')
      .executeTakeFirstOrThrow();
    await setUserClients(deps.db, bob.id, ['cli_acme']);
    const browser = await signIn('bob');
    const level = (await deps.db.selectFrom('incidents').select('level').executeTakeFirstOrThrow()).level;
    const rows = await (
      await app.request(`/console/queue/${level}?fragment=rows`, { headers: { cookie: browser.cookie } })
    ).text();
    expect(rows).toContain('Panne acme');
    expect(rows).not.toContain('Panne globex');
    const hidden = await app.request(`/console/incidents/${ids.globex}`, {
      headers: { cookie: browser.cookie },
    });
    expect(hidden.status).toBe(404);
    const act = await post(browser, `/console/incidents/${ids.globex}/acknowledge`, { _csrf: browser.csrf });
    expect(act.status).toBe(404);
    const state = await deps.db
      .selectFrom('incidents')
      .select('state')
      .where('id', '=', ids.globex ?? '')
      .executeTakeFirstOrThrow();
    expect(state.state).toBe('new');
  });

  it('opens API reads (the CSV export link) to the session cookie, never API writes', async () => {
    const admin = await signIn('admin');
    const csv = await app.request('/api/v1/inventory/software.csv?contains=bash', {
      headers: { cookie: admin.cookie },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const write = await app.request('/api/v1/enrolment-tokens', {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ client: 'acme', site: 'lyon' }),
    });
    expect(write.status).toBe(401);
    expect((await app.request('/api/v1/hosts')).status).toBe(401);
  });

  it('gives admins a service report per client and period, as a page and as CSV', async () => {
    await openTicket('Panne', 'critical');
    await enrolTestAgent(deps); // a Linux server of acme, never silent: 100 % available
    const admin = await signIn('admin');
    const day = new Date(now).toISOString().slice(0, 10);
    const next = new Date(now + 86_400_000).toISOString().slice(0, 10);
    const page = await app.request(`/console/admin/report?client=acme&from=${day}&to=${next}`, {
      headers: { cookie: admin.cookie },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('1 incidents ouverts sur la période');
    const csv = await app.request(`/console/admin/report?client=acme&from=${day}&to=${next}&format=csv`, {
      headers: { cookie: admin.cookie },
    });
    const text = await csv.text();
    expect(text.split(/\r?\n/)[0]).toBe('metric,key,value');
    expect(text).toMatch(/total,,1/);
    expect(text).toMatch(/availability_pct,srv-test-01,100/);
    const other = await app.request(`/console/admin/report?client=globex&from=${day}&to=${next}&format=csv`, {
      headers: { cookie: admin.cookie },
    });
    expect(await other.text()).toMatch(/total,,0/);
  });

  it("lets an admin revoke a host's agent from its page", async () => {
    const credential = await enrolTestAgent(deps);
    const admin = await signIn('admin');
    const asked = await post(admin, `/console/admin/hosts/${credential.hostId}/revoke`, {
      _csrf: admin.csrf,
    });
    expect(asked.status).toBe(400);
    expect(
      (await deps.db.selectFrom('agents').select('revoked_at').executeTakeFirstOrThrow()).revoked_at,
    ).toBeNull();
    const res = await post(admin, `/console/admin/hosts/${credential.hostId}/revoke`, {
      _csrf: admin.csrf,
      confirm: 'yes',
    });
    expect(res.status).toBe(303);
    const agent = await deps.db.selectFrom('agents').select('revoked_at').executeTakeFirstOrThrow();
    expect(agent.revoked_at).toBe(now);
  });

  it("shows admins the maintenance windows and channels, never a channel's URL or secret", async () => {
    await insertMaintenanceWindow(deps.db, {
      id: 'mw_1',
      scope: 'client',
      target: 'acme',
      cron: '0 22 * * 6',
      duration_ms: 2 * 3_600_000,
      timezone: 'Europe/Paris',
      reason: 'Sauvegarde <b>hebdo</b>',
      created_by: 'admin',
      created_at: now,
      disabled_at: null,
    });
    await insertChannel(deps.db, {
      id: 'ch_1',
      name: 'Astreinte',
      kind: 'webhook',
      config: { url: 'https://hooks.example/secret-path', secret: 'very-secret-value-123456' },
      levels: ['N3'],
      noticeKinds: ['opened'],
      enabled: true,
      createdAt: now,
    });
    const admin = await signIn('admin');
    const html = await (
      await app.request('/console/admin/settings', { headers: { cookie: admin.cookie } })
    ).text();
    expect(html).toContain('Sauvegarde &lt;b&gt;hebdo&lt;/b&gt;');
    expect(html).toContain('Astreinte');
    expect(html).not.toContain('secret-path');
    expect(html).not.toContain('very-secret-value');
  });

  it('streams a change event to an open queue when an incident opens', async () => {
    const live = createConsole(deps, { livePollMs: 20 });
    const alice = await signIn('alice');
    const res = await live.request('/console/live', {
      headers: { cookie: alice.cookie, accept: 'text/event-stream' },
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let seen = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(seen)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}`);
        seen += decoder.decode(value);
      }
    };
    await until(/event: ready/);
    now += 1000;
    await openTicket('Nouveau', 'warning');
    await until(/event: change\ndata: \d+/);
    await reader.cancel();
  });

  it("offers only the actions the engine would accept in the incident's state", async () => {
    const incidentId = await openTicket('Écran', 'warning');
    const alice = await signIn('alice');
    const path = `/console/incidents/${incidentId}`;
    const show = async () => (await app.request(path, { headers: { cookie: alice.cookie } })).text();
    const fresh = await show();
    expect(fresh).toContain('data-action="acknowledge"');
    expect(fresh).not.toContain('data-action="reopen"');
    expect((await post(alice, `${path}/resolve`, { _csrf: alice.csrf })).status).toBe(303);
    const resolved = await show();
    expect(resolved).toContain('data-action="reopen"');
    expect(resolved).not.toContain('data-action="resolve"');
  });
});
