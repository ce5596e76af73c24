import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUserWithToken } from '../../access/create-user.js';
import type { HubDeps } from '../../config/deps.js';
import { T0, testSettings } from '../../notify/__fixtures__/notify-setup.js';
import { startHttpReceiver } from '../../notify/__fixtures__/receivers.js';
import { createNotifications, type Notifications } from '../../notify/notifications.js';
import type { LookupAll } from '../../notify/target-guard.js';
import { createTestDeps, testHubServices } from '../../test-support/test-hub.js';
import { createApp } from '../app.js';

const lookup: LookupAll = async (hostname) => {
  if (hostname === 'hooks.example') return [{ address: '93.184.216.34', family: 4 }];
  if (hostname === 'intranet.example') return [{ address: '192.168.1.20', family: 4 }];
  throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
};

let deps: HubDeps;
let notifications: Notifications;
let app: ReturnType<typeof createApp>;
let admin: string;
let reader: string;

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const send = (method: string, body: unknown, token = admin) => ({
  method,
  headers: { 'content-type': 'application/json', ...auth(token) },
  body: JSON.stringify(body),
});
const webhook = (url: string, extra: Record<string, unknown> = {}) => ({
  name: 'n3 hook',
  kind: 'webhook',
  config: { url },
  levels: ['N3'],
  ...extra,
});

beforeEach(async () => {
  deps = await createTestDeps(() => T0);
  notifications = createNotifications(deps, testSettings(), { lookup, jitter: () => 0.5 });
  app = createApp(testHubServices(deps, { notifications }));
  const a = await createUserWithToken(deps, { name: 'admin', role: 'admin' });
  const r = await createUserWithToken(deps, { name: 'tech', role: 'n1' });
  if (!a.ok || !r.ok) throw new Error('users');
  admin = a.token;
  reader = r.token;
});

afterEach(async () => {
  await notifications.worker.stop();
  await deps.db.destroy();
});

describe('POST /api/v1/notification-channels', () => {
  it('creates a channel whose target passes the guard, with defaults', async () => {
    const res = await app.request(
      '/api/v1/notification-channels',
      send(
        'POST',
        webhook('https://hooks.example/in', {
          config: { url: 'https://hooks.example/in?token=abc', secret: 's'.repeat(32) },
        }),
      ),
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      name: 'n3 hook',
      kind: 'webhook',
      config: { url: 'https://hooks.example/in?…', hasSecret: true },
      levels: ['N3'],
      noticeKinds: ['opened', 'reopened', 'escalated'],
      enabled: true,
      createdAt: T0,
    });
  });

  it.each([
    ['loopback', 'http://127.0.0.2/hook'],
    ['a private network', 'http://10.1.2.3/hook'],
    ['cloud metadata', 'http://169.254.169.254/latest'],
    ['a name resolving to a private address', 'http://intranet.example/hook'],
    ['a name that does not resolve', 'http://nowhere.example/hook'],
  ])('refuses %s with a clear error', async (_label, url) => {
    const res = await app.request('/api/v1/notification-channels', send('POST', webhook(url)));
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { code: string; details: { path: string; message: string }[] };
    };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details[0]?.path).toBe('config.url');
  });

  it('validates the config of each kind, the name, and e-mail without SMTP', async () => {
    const post = (body: unknown) => app.request('/api/v1/notification-channels', send('POST', body));
    expect((await post({ name: 'x', kind: 'sms', config: {} })).status).toBe(400);
    expect(
      (await post({ name: 'x', kind: 'email', config: { recipients: ['not-an-address'] } })).status,
    ).toBe(400);
    expect((await post({ name: 'x', kind: 'slack', config: { url: 'ftp://hooks.example/' } })).status).toBe(
      400,
    );
    const email = await post({ name: 'x', kind: 'email', config: { recipients: ['n3@acme.example'] } });
    expect(await email.json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: [{ path: 'kind' }] },
    });
    expect((await post(webhook('https://hooks.example/a'))).status).toBe(201);
    const again = await post(webhook('https://hooks.example/b'));
    expect(await again.json()).toMatchObject({ error: { details: [{ path: 'name' }] } });
  });

  it('is for admins only', async () => {
    const res = await app.request(
      '/api/v1/notification-channels',
      send('POST', webhook('https://hooks.example/'), reader),
    );
    expect(res.status).toBe(403);
    expect((await app.request('/api/v1/outbox', { headers: auth(reader) })).status).toBe(403);
  });
});

describe('listing, changing and deleting channels', () => {
  it('masks Slack URLs, updates what a channel serves and deletes it', async () => {
    const created = await app.request(
      '/api/v1/notification-channels',
      send('POST', {
        name: 'slack',
        kind: 'slack',
        config: { url: 'https://hooks.example/services/T0/B0/secret' },
      }),
    );
    const { id } = (await created.json()) as { id: string };
    const list = await (await app.request('/api/v1/notification-channels', { headers: auth(admin) })).json();
    expect(list).toMatchObject({ channels: [{ id, config: { url: 'https://hooks.example/…' } }] });
    expect(JSON.stringify(list)).not.toContain('secret');

    const patched = await app.request(
      `/api/v1/notification-channels/${id}`,
      send('PATCH', { enabled: false, levels: ['N2', 'N3'], noticeKinds: ['escalated'] }),
    );
    expect(await patched.json()).toMatchObject({
      enabled: false,
      levels: ['N2', 'N3'],
      noticeKinds: ['escalated'],
    });
    expect(
      (await app.request(`/api/v1/notification-channels/${id}`, send('PATCH', { levels: [] }))).status,
    ).toBe(400);

    const del = () =>
      app.request(`/api/v1/notification-channels/${id}`, { method: 'DELETE', headers: auth(admin) });
    expect((await del()).status).toBe(204);
    expect((await del()).status).toBe(404);
    expect((await app.request(`/api/v1/notification-channels/${id}`, { headers: auth(admin) })).status).toBe(
      404,
    );
  });
});

describe('test notices and the outbox', () => {
  it('sends a test notice through the outbox, then shows and retries a dead delivery', async () => {
    const receiver = await startHttpReceiver([404]);
    try {
      const created = await app.request('/api/v1/notification-channels', send('POST', webhook(receiver.url)));
      const { id } = (await created.json()) as { id: string };
      const res = await app.request(`/api/v1/notification-channels/${id}/test`, send('POST', {}));
      expect(res.status).toBe(202);
      const { deliveryId, deliveryKey } = (await res.json()) as { deliveryId: string; deliveryKey: string };
      expect(deliveryKey).toMatch(new RegExp(`^test/${id}/`));

      expect(await notifications.worker.tick()).toMatchObject({ dead: 1 });
      const dead = await (await app.request('/api/v1/outbox?state=dead', { headers: auth(admin) })).json();
      expect(dead).toMatchObject({
        counts: { dead: 1, pending: 0 },
        deliveries: [{ id: deliveryId, deliveryKey, state: 'dead', attempts: 1, lastError: 'HTTP 404' }],
      });
      expect((await app.request('/api/v1/outbox?state=lost', { headers: auth(admin) })).status).toBe(400);

      const retry = await app.request(`/api/v1/outbox/${deliveryId}/retry`, send('POST', {}));
      expect(await retry.json()).toMatchObject({ state: 'pending', attempts: 0, nextAttemptAt: T0 });
      expect(await notifications.worker.tick()).toMatchObject({ sent: 1 });
      expect(receiver.requests).toHaveLength(2);
      expect(JSON.parse(receiver.requests[1]?.body ?? '')).toMatchObject({ deliveryKey, test: true });
      expect((await app.request(`/api/v1/outbox/${deliveryId}/retry`, send('POST', {}))).status).toBe(400);
      expect((await app.request('/api/v1/outbox/dlv_nope/retry', send('POST', {}))).status).toBe(404);
    } finally {
      await receiver.close();
    }
  });
});
