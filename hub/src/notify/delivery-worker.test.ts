import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { markDeliveryFailed } from '../repositories/outbox.js';
import { notifyHarness, sampleNotice, T0, testSettings } from './__fixtures__/notify-setup.js';
import { HANG, startHttpReceiver, waitFor } from './__fixtures__/receivers.js';
import { createDeliveryWorker } from './delivery-worker.js';
import { backoffDelay } from './retry.js';
import type { SendToChannel } from './send-to-channel.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(statuses: number[] = []) {
  const r = await startHttpReceiver(statuses);
  cleanups.push(r.close);
  return r;
}

async function harness(...args: Parameters<typeof notifyHarness>) {
  const h = await notifyHarness(...args);
  cleanups.push(async () => {
    await h.notifications.worker.stop();
    await h.deps.db.destroy();
  });
  return h;
}

const SECRET = 'a-long-enough-shared-secret';

describe('generic webhook', () => {
  it('posts the notice with its delivery key, idempotency headers and a valid signature', async () => {
    const r = await receiver();
    const h = await harness();
    await h.addChannel({ kind: 'webhook', config: { url: `${r.url}/hook`, secret: SECRET } });
    await h.notify(sampleNotice());

    expect(await h.notifications.worker.tick()).toEqual({ claimed: 1, sent: 1, retried: 0, dead: 0 });
    expect(r.requests).toHaveLength(1);
    const [req] = r.requests;
    expect(req?.path).toBe('/hook');
    expect(req?.headers['idempotency-key']).toBe('inc_0001/N3');
    expect(req?.headers['x-vigie-delivery-key']).toBe('inc_0001/N3');
    expect(req?.headers['content-type']).toBe('application/json');
    const expected = `sha256=${createHmac('sha256', SECRET)
      .update(req?.body ?? '')
      .digest('hex')}`;
    expect(req?.headers['x-vigie-signature']).toBe(expected);
    expect(JSON.parse(req?.body ?? '')).toEqual({
      type: 'vigie.incident.notice',
      version: 1,
      deliveryKey: 'inc_0001/N3',
      test: false,
      notice: sampleNotice(),
      locale: 'fr',
      text: '[Vigie P5 N3] srv-db-01: Host silent',
    });
    expect(await h.outbox()).toMatchObject([{ state: 'sent', attempts: 1, sent_at: T0, claimed_by: null }]);
  });

  it('sends no signature header without a secret', async () => {
    const r = await receiver();
    const h = await harness();
    await h.addChannel({ kind: 'webhook', config: { url: r.url } });
    await h.notify(sampleNotice());
    await h.notifications.worker.tick();
    expect(r.requests[0]?.headers['x-vigie-signature']).toBeUndefined();
  });
});

describe('Slack and Teams', () => {
  it('posts a Slack message and a Teams Adaptive Card, escaping markup from the host', async () => {
    const slack = await receiver();
    const teams = await receiver();
    const h = await harness();
    await h.addChannel({ kind: 'slack', config: { url: `${slack.url}/services/T/B/X`, locale: 'en' } });
    await h.addChannel({ kind: 'teams', config: { url: `${teams.url}/workflows/x`, locale: 'en' } });
    await h.notify(sampleNotice({ hostname: 'srv-<!channel>-01', title: 'Host silent [see](http://evil)' }));
    expect(await h.notifications.worker.tick()).toMatchObject({ sent: 2 });

    const s = JSON.parse(slack.requests[0]?.body ?? '');
    expect(slack.requests[0]?.headers['x-vigie-delivery-key']).toBe('inc_0001/N3');
    expect(s.text).toContain('[Vigie P5 N3] srv-&lt;!channel&gt;-01: Host silent');
    expect(s.text).not.toContain('<!channel>');
    expect(s.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(s.blocks[2].fields).toContainEqual({ type: 'mrkdwn', text: '*Host*\nsrv-&lt;!channel&gt;-01' });

    const t = JSON.parse(teams.requests[0]?.body ?? '');
    expect(teams.requests[0]?.headers['idempotency-key']).toBe('inc_0001/N3');
    expect(t).toMatchObject({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: { type: 'AdaptiveCard', version: '1.4' },
        },
      ],
    });
    const card = JSON.stringify(t.attachments[0].content.body);
    expect(card).toContain('P5 very high');
    expect(card).not.toContain('](http');
  });
});

describe('retries', () => {
  it('delivers once after two 500s, with 3 attempts and backoff from the injected clock and jitter', async () => {
    const r = await receiver([500, 500]);
    const h = await harness();
    await h.addChannel({ kind: 'webhook', config: { url: r.url } });
    await h.notify(sampleNotice());
    const { worker } = h.notifications;

    expect(await worker.tick()).toMatchObject({ retried: 1 });
    // base 1000 ms, jitter 0.5: half fixed + half × 0.5 → 750 ms, then 1500 ms.
    expect(await h.outbox()).toMatchObject([
      { state: 'pending', attempts: 1, next_attempt_at: T0 + 750, last_error: 'HTTP 500' },
    ]);
    h.clock.now = T0 + 749;
    expect(await worker.tick()).toMatchObject({ claimed: 0 });
    h.clock.now = T0 + 750;
    expect(await worker.tick()).toMatchObject({ retried: 1 });
    expect(await h.outbox()).toMatchObject([
      { state: 'pending', attempts: 2, next_attempt_at: T0 + 750 + 1500 },
    ]);
    h.clock.now = T0 + 2250;
    expect(await worker.tick()).toMatchObject({ sent: 1 });

    expect(await h.outbox()).toMatchObject([
      { state: 'sent', attempts: 3, sent_at: T0 + 2250, last_error: null },
    ]);
    expect(r.requests.map((q) => q.headers['x-vigie-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(r.requests.map((q) => q.body)).size).toBe(1);
  });

  it('goes dead after maxAttempts, keeping the last error', async () => {
    const r = await receiver([500, 503, 502]);
    const h = await harness(testSettings({ maxAttempts: 3 }));
    await h.addChannel({ kind: 'webhook', config: { url: r.url } });
    await h.notify(sampleNotice());
    for (let i = 0; i < 3; i++) {
      await h.notifications.worker.tick();
      h.clock.now += 10_000;
    }
    expect(await h.notifications.worker.tick()).toMatchObject({ claimed: 0 });
    expect(await h.outbox()).toMatchObject([{ state: 'dead', attempts: 3, last_error: 'HTTP 502' }]);
    expect(r.requests).toHaveLength(3);
  });

  it('goes dead at once on a 4xx that retrying cannot fix', async () => {
    const r = await receiver([404]);
    const h = await harness();
    await h.addChannel({ kind: 'webhook', config: { url: r.url } });
    await h.notify(sampleNotice());
    expect(await h.notifications.worker.tick()).toMatchObject({ dead: 1 });
    expect(await h.outbox()).toMatchObject([{ state: 'dead', attempts: 1, last_error: 'HTTP 404' }]);
  });

  it('computes backoff doubling up to the cap', () => {
    const options = { backoffBaseMs: 1000, backoffMaxMs: 5000 };
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, options, 0))).toEqual([500, 1000, 2000, 2500]);
    expect(backoffDelay(1, options, 0.999_999)).toBe(1000);
  });
});

describe('bounds', () => {
  it('times a hanging receiver out and retries later', async () => {
    const r = await receiver([HANG]);
    const h = await harness(testSettings({ timeoutMs: 150 }));
    await h.addChannel({ kind: 'webhook', config: { url: r.url } });
    await h.notify(sampleNotice());
    expect(await h.notifications.worker.tick()).toMatchObject({ retried: 1 });
    expect((await h.outbox())[0]?.last_error).toContain('timed out');
  });

  it('never has more than `concurrency` sends in flight', async () => {
    const h = await harness();
    await h.addChannel({ kind: 'webhook', config: { url: 'https://hooks.example/' } });
    for (let i = 0; i < 7; i++) await h.notify(sampleNotice({ deliveryKey: `inc_${i}/N3` }));
    let inFlight = 0;
    let most = 0;
    const send: SendToChannel = async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return { ok: true };
    };
    const worker = createDeliveryWorker(
      { db: h.deps.db, clock: () => h.clock.now, log: h.deps.log, random: h.deps.random, jitter: () => 0 },
      send,
      { ...testSettings().worker, concurrency: 3 },
    );
    expect(await worker.tick()).toMatchObject({ claimed: 7, sent: 7 });
    expect(most).toBe(3);
  });
});

describe('deduplication and crashes', () => {
  it('queues and delivers one row when the same notice is notified twice', async () => {
    const r = await receiver();
    const h = await harness();
    await h.addChannel({ kind: 'webhook', config: { url: r.url } });
    await h.notify(sampleNotice());
    h.clock.now += 1000;
    await h.notify(sampleNotice());
    expect(await h.outbox()).toHaveLength(1);
    await h.notifications.worker.tick();
    await h.notifications.worker.tick();
    expect(r.requests).toHaveLength(1);
  });

  it('re-sends with the same key a row left sending by a crashed worker once its lease expired', async () => {
    const r = await receiver();
    const h = await harness();
    const channelId = await h.addChannel({ kind: 'webhook', config: { url: r.url } });
    const leftBehind = {
      channel_id: channelId,
      payload: JSON.stringify(sampleNotice()),
      state: 'sending' as const,
      attempts: 1,
      claimed_by: 'clm_crashed',
      last_error: null,
      created_at: T0 - 120_000,
      sent_at: null,
    };
    await h.deps.db
      .insertInto('outbox')
      .values([
        { ...leftBehind, id: 'dlv_expired', delivery_key: 'inc_0001/N3', next_attempt_at: T0 - 1 },
        { ...leftBehind, id: 'dlv_leased', delivery_key: 'inc_0002/N3', next_attempt_at: T0 + 30_000 },
      ])
      .execute();

    expect(await h.notifications.worker.tick()).toMatchObject({ claimed: 1, sent: 1 });
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]?.headers['idempotency-key']).toBe('inc_0001/N3');
    expect(r.requests[0]?.headers['x-vigie-attempt']).toBe('2');
    const rows = await h.outbox();
    expect(rows.find((row) => row.id === 'dlv_expired')).toMatchObject({ state: 'sent', attempts: 2 });
    expect(rows.find((row) => row.id === 'dlv_leased')).toMatchObject({
      state: 'sending',
      claimed_by: 'clm_crashed',
    });
  });

  it('declares dead, without sending, a row whose lease expired during its last attempt', async () => {
    const r = await receiver();
    const h = await harness(testSettings({ maxAttempts: 2 }));
    const channelId = await h.addChannel({ kind: 'webhook', config: { url: r.url } });
    await h.deps.db
      .insertInto('outbox')
      .values({
        id: 'dlv_last',
        delivery_key: 'inc_0001/N3',
        channel_id: channelId,
        payload: JSON.stringify(sampleNotice()),
        state: 'sending',
        attempts: 2,
        next_attempt_at: T0 - 1,
        claimed_by: 'clm_crashed',
        last_error: 'HTTP 500',
        created_at: T0 - 120_000,
        sent_at: null,
      })
      .execute();
    expect(await h.notifications.worker.tick()).toMatchObject({ dead: 1 });
    expect(r.requests).toHaveLength(0);
    expect((await h.outbox())[0]?.last_error).toContain('lease expired after the last attempt');
  });

  it('ignores the late mark of a worker whose claim was taken over', async () => {
    const r = await receiver();
    const h = await harness();
    await h.addChannel({ kind: 'webhook', config: { url: r.url } });
    await h.notify(sampleNotice());
    const [row] = await h.outbox();
    expect(
      await markDeliveryFailed(h.deps.db, row?.id ?? '', 'clm_someone_else', {
        state: 'dead',
        nextAttemptAt: T0,
        error: 'late',
      }),
    ).toBe(false);
    expect(await h.outbox()).toMatchObject([{ state: 'pending' }]);
  });
});

describe('guard at send time', () => {
  it('refuses a target that is not allowed, without connecting', async () => {
    const r = await receiver();
    const h = await harness({ ...testSettings(), allow: '' });
    await h.addChannel({ kind: 'webhook', config: { url: r.url } });
    await h.notify(sampleNotice());
    expect(await h.notifications.worker.tick()).toMatchObject({ dead: 1 });
    expect(r.requests).toHaveLength(0);
    const [row] = await h.outbox();
    expect(row?.last_error).toContain('127.0.0.1');
  });

  it('connects to the address that was checked even if DNS would now answer differently', async () => {
    const r = await receiver();
    let answers = 0;
    const h = await harness(testSettings(), {
      // First answer (the check) is loopback and allowed; a rebinding answer would be 10.0.0.1.
      lookup: async () => [{ address: answers++ === 0 ? '127.0.0.1' : '10.0.0.1', family: 4 }],
    });
    await h.addChannel({ kind: 'webhook', config: { url: r.url.replace('127.0.0.1', 'hooks.test') } });
    await h.notify(sampleNotice());
    expect(await h.notifications.worker.tick()).toMatchObject({ sent: 1 });
    expect(answers).toBe(1);
    expect(r.requests[0]?.headers.host).toMatch(/^hooks\.test:/);
  });
});

describe('the running worker', () => {
  it('is woken by a committed notice and stops cleanly', async () => {
    const r = await receiver();
    const h = await harness(testSettings({ intervalMs: 3_600_000 }));
    await h.addChannel({ kind: 'webhook', config: { url: r.url } });
    h.notifications.worker.start();
    await h.notify(sampleNotice());
    await waitFor(() => r.requests.length === 1);
    await h.notifications.worker.stop();
    expect(await h.outbox()).toMatchObject([{ state: 'sent' }]);
  });

  it('sweeps on its interval', async () => {
    const r = await receiver();
    const h = await harness(testSettings({ intervalMs: 20 }));
    await h.addChannel({ kind: 'webhook', config: { url: r.url } });
    await h.notify(sampleNotice());
    h.notifications.worker.start();
    await waitFor(() => r.requests.length === 1);
    await h.notifications.worker.stop();
  });
});
