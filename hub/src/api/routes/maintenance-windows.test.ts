import { beforeEach, describe, expect, it } from 'vitest';
import { createUserWithToken } from '../../access/create-user.js';
import type { HubDeps } from '../../config/deps.js';
import { addHost, sendCheck } from '../../incidents/testing.js';
import { testIncidentRuntime } from '../../test-support/incident-runtime.js';
import { createTestDeps, testHubServices } from '../../test-support/test-hub.js';
import { createApp } from '../app.js';

const MIN = 60_000;
// 2025-11-24 12:10 UTC, ten minutes into a window that starts daily at 12:00.
const T0 = Date.UTC(2025, 10, 24, 12, 10);

let now = T0;
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let admin: string;
let technician: string;

const send = (method: string, path: string, body?: unknown, token = admin) =>
  app.request(path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

const nightly = {
  scope: 'site',
  target: 'acme/paris',
  cron: '0 12 * * *',
  durationMinutes: 60,
  reason: 'monthly patching',
};

beforeEach(async () => {
  now = T0;
  deps = await createTestDeps(() => now);
  app = createApp(testHubServices(deps));
  const a = await createUserWithToken(deps, { name: 'admin', role: 'admin' });
  const t = await createUserWithToken(deps, { name: 'tech', role: 'n1' });
  if (!a.ok || !t.ok) throw new Error('users');
  admin = a.token;
  technician = t.token;
});

describe('POST /api/v1/maintenance-windows', () => {
  it('creates a window, UTC by default, and says it is running now', async () => {
    const res = await send('POST', '/api/v1/maintenance-windows', nightly);
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string };
    expect(created).toMatchObject({
      ...nightly,
      timezone: 'UTC',
      createdBy: 'admin',
      createdAt: T0,
      activeUntil: Date.UTC(2025, 10, 24, 13, 0),
    });
    expect(created.id).toMatch(/^mnt_/);
  });

  it('reads the cron expression in the given time zone', async () => {
    // 12:00 in Paris is 11:00 UTC in November: the window ended at 12:00 UTC.
    const res = await send('POST', '/api/v1/maintenance-windows', { ...nightly, timezone: 'Europe/Paris' });
    expect(await res.json()).toMatchObject({ timezone: 'Europe/Paris', activeUntil: null });
  });

  it('takes a host id that exists, a client, or a tag', async () => {
    const host = await addHost(deps.db);
    for (const [scope, target] of [
      ['host', host],
      ['client', 'acme'],
      ['tag', 'production'],
    ]) {
      const res = await send('POST', '/api/v1/maintenance-windows', { ...nightly, scope, target });
      expect(res.status, `${scope} ${target}`).toBe(201);
    }
  });

  it.each([
    ['a cron expression that does not parse', { cron: '99 * * * *' }, 'cron'],
    ['a cron expression with too few fields', { cron: '0 12 * *' }, 'cron'],
    ['a cron expression with too many fields', { cron: '0 0 12 * * * *' }, 'cron'],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, 'timezone'],
    ['an unknown scope', { scope: 'rack' }, 'scope'],
    ['a site not written client/site', { target: 'paris' }, 'target'],
    ['a host that does not exist', { scope: 'host', target: 'hst_missing' }, 'target'],
    ['no duration', { durationMinutes: undefined }, 'durationMinutes'],
    ['a duration of zero', { durationMinutes: 0 }, 'durationMinutes'],
    ['a duration over a week', { durationMinutes: 7 * 24 * 60 + 1 }, 'durationMinutes'],
    ['no reason', { reason: ' ' }, 'reason'],
    ['a field it does not know', { enabled: false }, ''],
  ])('refuses %s with VALIDATION_FAILED', async (_, change, path) => {
    const res = await send('POST', '/api/v1/maintenance-windows', { ...nightly, ...change });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.map((d) => d.path)).toContain(path);
    expect(await deps.db.selectFrom('maintenance_windows').selectAll().execute()).toEqual([]);
  });

  it('forbids technicians', async () => {
    const res = await send('POST', '/api/v1/maintenance-windows', nightly, technician);
    expect(res.status).toBe(403);
  });
});

describe('GET and DELETE /api/v1/maintenance-windows', () => {
  it('lists windows to technicians and removes one for admins, keeping its row', async () => {
    const created = (await (await send('POST', '/api/v1/maintenance-windows', nightly)).json()) as {
      id: string;
    };
    const listed = await send('GET', '/api/v1/maintenance-windows', undefined, technician);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toMatchObject({ windows: [{ id: created.id, reason: 'monthly patching' }] });

    expect(
      (await send('DELETE', `/api/v1/maintenance-windows/${created.id}`, undefined, technician)).status,
    ).toBe(403);
    now += MIN;
    expect((await send('DELETE', `/api/v1/maintenance-windows/${created.id}`)).status).toBe(204);
    expect(await (await send('GET', '/api/v1/maintenance-windows')).json()).toEqual({ windows: [] });
    const row = await deps.db.selectFrom('maintenance_windows').selectAll().executeTakeFirst();
    expect(row?.disabled_at).toBe(T0 + MIN);
    expect((await send('DELETE', `/api/v1/maintenance-windows/${created.id}`)).status).toBe(404);
  });
});

describe('a window created through the API', () => {
  it('holds a fault of a covered host, and no longer once removed', async () => {
    const runtime = testIncidentRuntime();
    const host = await addHost(deps.db);
    const created = (await (
      await send('POST', '/api/v1/maintenance-windows', { ...nightly, scope: 'host', target: host })
    ).json()) as { id: string };
    expect((await sendCheck(deps, runtime, host, 'cpu.busy', 'warning')).decision).toBe('hold');

    await send('DELETE', `/api/v1/maintenance-windows/${created.id}`);
    expect((await sendCheck(deps, runtime, host, 'memory.pressure', 'warning')).decision).toBe('open');
  });
});
