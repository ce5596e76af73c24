import { DEFAULT_POLICY, type Policy } from '@vigie/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import type { HubDeps } from '../config/deps.js';
import type { UserRole } from '../db/tables/users.js';
import { createTargetGuard, type LookupAll } from '../notify/target-guard.js';
import { createPolicyService } from '../policies/policy-service.js';
import { insertDevice } from '../probes/devices.js';
import { saveSiteAllowlist } from '../probes/store.js';
import { createTestDeps, enrolTestAgent, testHubServices } from '../test-support/test-hub.js';
import { createConsole } from './console-app.js';
import { createConsoleUser } from './security/accounts.js';

// The admin editing pages, through the whole hub app (real SQLite or PostgreSQL, real services):
// each form changes what the API would change, and nothing without the session's CSRF token or
// the admin role.

let now = 1_764_000_000_000;
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
/** What the policy service pushed to "connected agents" (the service's receiver boundary). */
let pushed: Array<{ hostId: string; policy: Policy }>;
let hostId: string;
const PASSWORD = 'correct horse battery';

interface Browser {
  cookie: string;
  csrf: string;
}

const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

async function signIn(name: string): Promise<Browser> {
  const form = await app.request('/console/sign-in');
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const res = await app.request('/console/sign-in', {
    method: 'POST',
    headers: { cookie: cookiesOf(form), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: name, password: PASSWORD, _csrf: token }).toString(),
  });
  const cookie = cookiesOf(res)
    .split('; ')
    .filter((c) => c.startsWith('vigie_session='))
    .join('; ');
  const page = await app.request('/console/hosts', { headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  return { cookie, csrf };
}

function post(
  browser: Browser,
  path: string,
  fields: Record<string, string | string[]>,
  csrf = browser.csrf,
) {
  const body = new URLSearchParams({ _csrf: csrf });
  for (const [key, value] of Object.entries(fields))
    for (const one of Array.isArray(value) ? value : [value]) body.append(key, one);
  return app.request(path, {
    method: 'POST',
    headers: { cookie: browser.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
}

const get = (browser: Browser, path: string) => app.request(path, { headers: { cookie: browser.cookie } });

async function user(name: string, role: UserRole) {
  const created = await createConsoleUser(deps, { name, role, password: PASSWORD });
  if (!created.ok) throw new Error(created.code);
}

const lookup: LookupAll = async (hostname) => {
  if (hostname === 'hooks.example') return [{ address: '93.184.216.34', family: 4 }];
  throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
};

beforeEach(async () => {
  now = 1_764_000_000_000;
  deps = await createTestDeps(() => now);
  hostId = (await enrolTestAgent(deps, 'srv-paris-01')).hostId;
  pushed = [];
  const policies = createPolicyService(deps, DEFAULT_POLICY, () => [
    { hostId, sendPolicy: (policy) => pushed.push({ hostId, policy }) },
  ]);
  const notifications = { guard: createTargetGuard({ lookup }), emailConfigured: false, wake() {} };
  app = createApp({ ...testHubServices(deps, { policies }), notifications });
  await user('admin', 'admin');
  await user('alice', 'n1');
});

const NEW_ROUTES = [
  'POST /console/admin/policies/layer',
  'GET /console/admin/policies/effective',
  'POST /console/admin/settings/windows',
  'POST /console/admin/settings/windows/:id/remove',
  'POST /console/admin/settings/channels',
  'POST /console/admin/settings/channels/:id',
  'POST /console/admin/settings/channels/:id/test',
  'POST /console/admin/settings/channels/:id/delete',
  'POST /console/admin/settings/escalation',
  'POST /console/admin/settings/escalation/:id',
  'POST /console/admin/settings/escalation/:id/delete',
  'POST /console/admin/probes',
];

describe('admin editing routes', () => {
  it('are in the route table the guard walk (console.test.ts) requests as N1 and read-only', () => {
    const routes = createConsole(deps).routes.map((r) => `${r.method} ${r.path}`);
    for (const route of NEW_ROUTES) expect(routes).toContain(route);
  });

  it('refuse an N1 technician with 403 and change nothing', async () => {
    const alice = await signIn('alice');
    const res = await post(alice, '/console/admin/policies/layer', {
      scope: 'global',
      'cpu.busy|warning.trigger': '50',
    });
    expect(res.status).toBe(403);
    expect(
      (await post(alice, '/console/admin/settings/windows', { scope: 'host', target: hostId })).status,
    ).toBe(403);
    expect(await deps.db.selectFrom('policy_layers').selectAll().execute()).toEqual([]);
    expect(await deps.db.selectFrom('maintenance_windows').selectAll().execute()).toEqual([]);
  });
});

describe('rules and thresholds (policy layers)', () => {
  const threshold = {
    scope: 'global',
    target: '',
    'cpu.busy|warning.trigger': '70',
    'cpu.busy|warning.clear': '60',
    metricsIntervalSec: '15',
  };

  it('saves a layer through the policy service, pushes it to the connected agent, shows its source', async () => {
    const admin = await signIn('admin');
    const res = await post(admin, '/console/admin/policies/layer', threshold);
    expect(res.status).toBe(303);
    const row = await deps.db.selectFrom('policy_layers').selectAll().executeTakeFirstOrThrow();
    expect(JSON.parse(row.settings)).toEqual({
      metricsIntervalSec: 15,
      checks: { 'cpu.busy': { warning: { trigger: 70, clear: 60 } } },
    });
    expect(row.updated_by).toBe('admin');
    expect(pushed).toHaveLength(1);
    expect(pushed[0]?.policy.metricsIntervalSec).toBe(15);
    expect(pushed[0]?.policy.checks?.find((r) => r.kind === 'cpu.busy')?.warning?.trigger).toBe(70);

    const edit = await (await get(admin, res.headers.get('location') ?? '')).text();
    expect(edit).toContain('envoyée à 1 agent');
    expect(edit).toMatch(/name="cpu.busy\|warning.trigger" value="70"/);

    const effective = await (await get(admin, `/console/admin/policies/effective?host=srv-paris-01`)).text();
    expect(effective).toMatch(
      /<code>\/checks\/cpu.busy\/warning\/trigger<\/code><\/td><td><code>70<\/code><\/td><td><a [^>]*>Globale/,
    );
    expect(effective).toMatch(
      /<code>\/checks\/cpu.busy\/critical\/trigger<\/code><\/td><td><code>[^<]+<\/code><\/td><td>valeurs du hub/,
    );

    // Clearing the layer inherits everything again.
    expect((await post(admin, '/console/admin/policies/layer', { scope: 'global', clear: '1' })).status).toBe(
      303,
    );
    const cleared = await deps.db.selectFrom('policy_layers').select('settings').executeTakeFirstOrThrow();
    expect(cleared.settings).toBe('{}');
  });

  it('shows the schema and the consistency check refusals in the page language, escaped, and saves nothing', async () => {
    const admin = await signIn('admin');
    const bad = await post(admin, '/console/admin/policies/layer', {
      ...threshold,
      'cpu.busy|warning.trigger': '<img src=x onerror=alert(1)>',
    });
    expect(bad.status).toBe(400);
    const page = await bad.text();
    expect(page).toContain('Valeur refusée');
    expect(page).toContain('checks.cpu.busy.warning.trigger');
    expect(page).toContain('value="&lt;img src=x onerror=alert(1)&gt;"');
    expect(page).not.toContain('<img src=x');

    const english = await post(
      { ...admin, cookie: `${admin.cookie}; vigie_lang=en` },
      '/console/admin/policies/layer',
      { ...threshold, 'cpu.busy|warning.clear': '80' },
    );
    expect(english.status).toBe(400);
    const text = await english.text();
    expect(text).toContain('Value refused');
    expect(text).toContain('cpu.busy');
    expect(await deps.db.selectFrom('policy_layers').selectAll().execute()).toEqual([]);
    expect(pushed).toEqual([]);
  });

  it('edits a role layer and refuses a role that does not exist', async () => {
    const admin = await signIn('admin');
    const res = await post(admin, '/console/admin/policies/layer', {
      scope: 'role',
      target: 'server',
      'service.down|enabled': 'off',
      services: 'nginx\nsshd',
    });
    expect(res.status).toBe(303);
    const row = await deps.db.selectFrom('policy_layers').selectAll().executeTakeFirstOrThrow();
    expect([row.scope, row.target, JSON.parse(row.settings)]).toEqual([
      'role',
      'server',
      { services: ['nginx', 'sshd'], checks: { 'service.down': { enabled: false } } },
    ]);
    const hostLayer = await get(admin, '/console/admin/policies/layer?scope=host&target=srv-paris-01');
    expect(hostLayer.status).toBe(200);
    expect(await hostLayer.text()).toContain(`name="target" value="${hostId}"`);
    expect(
      (await post(admin, '/console/admin/policies/layer', { scope: 'role', target: 'toaster' })).status,
    ).toBe(404);
  });

  it('refuses a form without the session CSRF token', async () => {
    const admin = await signIn('admin');
    expect((await post(admin, '/console/admin/policies/layer', threshold, 'forged')).status).toBe(403);
    expect(await deps.db.selectFrom('policy_layers').selectAll().execute()).toEqual([]);
  });
});

describe('maintenance windows', () => {
  const window = {
    scope: 'host',
    target: '',
    cron: '0 22 * * 6',
    durationMinutes: '120',
    timezone: 'Europe/Paris',
    reason: 'Mises à jour',
  };

  it('creates a window recorded with its author, then ends and removes it', async () => {
    const admin = await signIn('admin');
    expect((await post(admin, '/console/admin/settings/windows', { ...window, target: hostId })).status).toBe(
      303,
    );
    const row = await deps.db.selectFrom('maintenance_windows').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ scope: 'host', target: hostId, duration_ms: 7_200_000, created_by: 'admin' });
    const listed = await (await get(admin, '/console/admin/settings')).text();
    expect(listed).toContain('Mises à jour');
    // The window and its picker name the host; its internal id is nowhere a person reads it.
    expect(listed).toContain('<td>srv-paris-01</td>');
    expect(listed).toContain('<option value="srv-paris-01"');
    expect(listed).not.toContain(hostId);

    const remove = await post(admin, `/console/admin/settings/windows/${row.id}/remove`, {});
    expect(remove.status).toBe(303);
    const after = await deps.db
      .selectFrom('maintenance_windows')
      .select('disabled_at')
      .executeTakeFirstOrThrow();
    expect(Number(after.disabled_at)).toBe(now);
    expect((await post(admin, `/console/admin/settings/windows/${row.id}/remove`, {})).status).toBe(404);
  });

  it('shows why a window is refused, escaped, keeps what was typed, and refuses without CSRF', async () => {
    const admin = await signIn('admin');
    const bad = await post(admin, '/console/admin/settings/windows', {
      ...window,
      target: hostId,
      cron: 'every <b>day</b>',
    });
    expect(bad.status).toBe(400);
    const page = await bad.text();
    expect(page).toContain('Valeur refusée');
    expect(page).toContain('cron');
    expect(page).toContain('every &lt;b&gt;day&lt;/b&gt;');
    const ghost = await post(admin, '/console/admin/settings/windows', { ...window, target: 'hst_nobody' });
    expect(ghost.status).toBe(400);
    expect(await ghost.text()).toContain('machine inconnue');
    expect(
      (await post(admin, '/console/admin/settings/windows', { ...window, target: hostId }, 'x')).status,
    ).toBe(403);
    expect(await deps.db.selectFrom('maintenance_windows').selectAll().execute()).toEqual([]);
  });
});

describe('notification channels', () => {
  const webhook = {
    kind: 'webhook',
    name: 'Astreinte',
    url: 'https://hooks.example/vigie',
    secret: 'sixteen-chars-secret-value',
    levels: ['N1', 'N2'],
    noticeKinds: ['opened'],
  };

  it('creates a webhook channel, never shows its secret, disables, tests and deletes it', async () => {
    const admin = await signIn('admin');
    expect((await post(admin, '/console/admin/settings/channels', webhook)).status).toBe(303);
    const row = await deps.db.selectFrom('notification_channels').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: 'Astreinte', kind: 'webhook', enabled: 1 });
    const page = await (await get(admin, '/console/admin/settings')).text();
    expect(page).toContain('Astreinte');
    expect(page).not.toContain('sixteen-chars-secret-value');

    const path = `/console/admin/settings/channels/${row.id}`;
    expect((await post(admin, path, { enabled: '0' })).status).toBe(303);
    expect(
      (await deps.db.selectFrom('notification_channels').select('enabled').executeTakeFirstOrThrow()).enabled,
    ).toBe(0);
    const test = await post(admin, `${path}/test`, {});
    expect(test.status).toBe(202);
    expect(await test.text()).toContain('Notification de test mise en file');
    const queued = await deps.db.selectFrom('outbox').select('channel_id').execute();
    expect(queued).toEqual([{ channel_id: row.id }]);
    expect((await post(admin, `${path}/delete`, {})).status).toBe(303);
    expect(await deps.db.selectFrom('notification_channels').selectAll().execute()).toEqual([]);
  });

  it('refuses a private target and an e-mail channel without SMTP, saying why', async () => {
    const admin = await signIn('admin');
    const local = await post(admin, '/console/admin/settings/channels', {
      ...webhook,
      url: 'http://127.0.0.1/x',
    });
    expect(local.status).toBe(400);
    expect(await local.text()).toContain('config.url');
    const email = await post(admin, '/console/admin/settings/channels', {
      kind: 'email',
      name: 'Mail',
      recipients: 'ops@example.com',
      levels: 'N1',
      noticeKinds: 'opened',
    });
    expect(email.status).toBe(400);
    expect(await email.text()).toContain('VIGIE_SMTP_HOST');
    expect((await post(admin, '/console/admin/settings/channels', webhook, 'forged')).status).toBe(403);
    expect(await deps.db.selectFrom('notification_channels').selectAll().execute()).toEqual([]);
  });
});

describe('devices and probes', () => {
  it('lists devices, adds a probe inside the allowlist and refuses one outside it with a clear message', async () => {
    const device = await insertDevice(
      deps.db,
      deps.random,
      { hostname: 'fw-paris', client: 'acme', site: 'paris', role: 'server', tags: [] },
      now,
    );
    await saveSiteAllowlist(deps.db, {
      client: 'acme',
      site: 'paris',
      allow: ['10.0.0.0/24'],
      at: now,
      by: 'admin',
    });
    const admin = await signIn('admin');
    const page = await (await get(admin, '/console/admin/probes')).text();
    expect(page).toContain('fw-paris');
    expect(page).toContain('srv-paris-01');

    const probe = { device, name: 'Pare-feu', kind: 'tcp', target: '10.0.0.1', port: '443', agents: hostId };
    expect((await post(admin, '/console/admin/probes', probe)).status).toBe(303);
    const rows = await deps.db.selectFrom('probes').select(['name', 'kind', 'created_by']).execute();
    expect(rows).toEqual([{ name: 'Pare-feu', kind: 'tcp', created_by: 'admin' }]);

    const outside = await post(admin, '/console/admin/probes', {
      ...probe,
      name: 'Dehors',
      target: '192.168.1.1',
    });
    expect(outside.status).toBe(422);
    const refused = await outside.text();
    expect(refused).toContain('Cible hors de la liste autorisée du site');
    expect(refused).toContain('192.168.1.1');
    expect(await deps.db.selectFrom('probes').select('name').execute()).toHaveLength(1);
    expect((await post(admin, '/console/admin/probes', probe, 'forged')).status).toBe(403);
  });
});

describe('escalation policies', () => {
  const policy = { _policy: 'new', name: 'Nuit', level: 'N2', client: '', enabled: '1' };

  it('creates, edits and deletes a policy through the API schema, its steps written as text', async () => {
    const admin = await signIn('admin');
    const created = await post(admin, '/console/admin/settings/escalation', {
      ...policy,
      steps: '30 N2\n60 N3 every=30 times=2',
    });
    expect(created.status).toBe(303);
    const row = await deps.db.selectFrom('escalation_policies').selectAll().executeTakeFirstOrThrow();
    expect(JSON.parse(row.steps)).toEqual([
      { waitSec: 1800, notify: ['N2'] },
      { waitSec: 3600, notify: ['N3'], repeat: { everySec: 1800, times: 2 } },
    ]);
    const page = await (await get(admin, '/console/admin/settings')).text();
    expect(page).toContain('60 N3 every=30 times=2');

    const edited = await post(admin, `/console/admin/settings/escalation/${row.id}`, {
      ...policy,
      _policy: row.id,
      steps: '15 N3',
    });
    expect(edited.status).toBe(303);
    const after = await deps.db.selectFrom('escalation_policies').select('steps').executeTakeFirstOrThrow();
    expect(JSON.parse(after.steps)).toEqual([{ waitSec: 900, notify: ['N3'] }]);
    expect((await post(admin, `/console/admin/settings/escalation/${row.id}/delete`, {})).status).toBe(303);
    expect(await deps.db.selectFrom('escalation_policies').selectAll().execute()).toEqual([]);
  });

  it('explains refused steps (not a number, unknown channel), escaped, and refuses without CSRF', async () => {
    const admin = await signIn('admin');
    const bad = await post(admin, '/console/admin/settings/escalation', {
      ...policy,
      steps: 'soon <i>N2</i>',
    });
    expect(bad.status).toBe(400);
    const page = await bad.text();
    expect(page).toContain('steps.0.waitSec');
    expect(page).toContain('soon &lt;i&gt;N2&lt;/i&gt;');
    expect(page).not.toContain('<i>N2</i>');
    const unknown = await post(admin, '/console/admin/settings/escalation', {
      ...policy,
      steps: '30 nch_nope',
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('canal inconnu');
    expect(
      (await post(admin, '/console/admin/settings/escalation', { ...policy, steps: '30 N2' }, 'x')).status,
    ).toBe(403);
    expect(await deps.db.selectFrom('escalation_policies').selectAll().execute()).toEqual([]);
  });
});
