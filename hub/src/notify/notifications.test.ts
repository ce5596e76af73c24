import { describe, expect, it } from 'vitest';
import { createUserWithToken } from '../access/create-user.js';
import { loadHubConfig } from '../config/config.js';
import { startTestHub } from '../test-support/test-hub.js';
import { startHttpReceiver, waitFor } from './__fixtures__/receivers.js';
import { notificationSettings } from './settings.js';

describe('notification settings', () => {
  it('reads the VIGIE_NOTIFY_* and VIGIE_SMTP_* variables and fills in defaults', () => {
    const loaded = loadHubConfig(
      {},
      {
        VIGIE_NOTIFY_ALLOW: '127.0.0.1,10.0.0.0/8',
        VIGIE_NOTIFY_MAX_ATTEMPTS: '3',
        VIGIE_SMTP_HOST: 'smtp.acme.example',
        VIGIE_SMTP_SECURE: 'false',
        VIGIE_SMTP_FROM: 'Vigie <vigie@acme.example>',
      },
    );
    if (!loaded.ok) throw new Error(loaded.message);
    const settings = notificationSettings(loaded.config);
    expect(settings).toMatchObject({
      allow: '127.0.0.1,10.0.0.0/8',
      worker: { maxAttempts: 3, intervalMs: 5000, timeoutMs: 10_000, leaseMs: 60_000 },
      smtp: { host: 'smtp.acme.example', port: 587, secure: false, from: 'Vigie <vigie@acme.example>' },
    });
    expect(notificationSettings({ ...loaded.config, smtpHost: undefined }).smtp).toBeUndefined();
  });

  it('names the variable when the allowlist is malformed', () => {
    expect(loadHubConfig({}, { VIGIE_NOTIFY_ALLOW: '10.0.0.0/40' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('VIGIE_NOTIFY_ALLOW'),
    });
  });
});

describe('a running hub', () => {
  it('delivers a channel test notice through its own worker', async () => {
    const receiver = await startHttpReceiver();
    const hub = await startTestHub({ notifyAllow: '127.0.0.1', notifyIntervalSec: 60 });
    try {
      const admin = await createUserWithToken(hub.deps, { name: 'admin', role: 'admin' });
      if (!admin.ok) throw new Error('admin');
      const headers = { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' };
      const created = await fetch(`${hub.url}/api/v1/notification-channels`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'local', kind: 'webhook', config: { url: `${receiver.url}/vigie` } }),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const tested = await fetch(`${hub.url}/api/v1/notification-channels/${id}/test`, {
        method: 'POST',
        headers,
      });
      expect(tested.status).toBe(202);
      // The interval is a minute: only the wake after queueing can deliver this in time.
      const request = await waitFor(() => receiver.requests[0]);
      expect(request.path).toBe('/vigie');
      expect(request.headers['idempotency-key']).toMatch(new RegExp(`^test/${id}/`));
    } finally {
      await hub.close();
      await receiver.close();
    }
  });
});
