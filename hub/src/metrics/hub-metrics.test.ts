import perfHooks from 'node:perf_hooks';
import { describe, expect, it, vi } from 'vitest';
import { createTestDeps } from '../test-support/test-hub.js';
import { createHubMetrics, EVENT_LOOP_SAMPLE_MS } from './hub-metrics.js';

describe('createHubMetrics', () => {
  it('observes notification latency, and counts dead letters and the backlog from the outbox', async () => {
    const { db } = await createTestDeps();
    const metrics = createHubMetrics({ db, connectedAgents: () => 3 });
    metrics.delivery.sent(0.4);
    metrics.delivery.sent(12);
    const row = (id: string, state: 'pending' | 'dead' | 'sent') => ({
      id,
      delivery_key: id,
      channel_id: 'chn_1',
      payload: '{}',
      state,
      attempts: 1,
      next_attempt_at: 0,
      claimed_by: null,
      last_error: null,
      created_at: 0,
      sent_at: null,
    });
    await db
      .insertInto('notification_channels')
      .values({
        id: 'chn_1',
        name: 'ops',
        kind: 'webhook',
        config: '{}',
        levels: '[]',
        notice_kinds: '[]',
        enabled: 1,
        created_at: 0,
      })
      .execute();
    await db
      .insertInto('outbox')
      .values([row('o1', 'pending'), row('o2', 'pending'), row('o3', 'dead'), row('o4', 'sent')])
      .execute();

    const body = await metrics.scrape();
    expect(body).toContain('\nvigie_notification_latency_seconds_count 2\n');
    expect(body).toContain('\nvigie_notification_latency_seconds_bucket{le="0.5"} 1\n');
    expect(body).toContain('\nvigie_outbox_backlog 2\n');
    expect(body).toContain('\nvigie_outbox_dead_letters 1\n');
    expect(body).toContain('\nvigie_agents_connected 3\n');
  });

  it('labels every series with the instance id when one is given (several hubs on PostgreSQL)', async () => {
    const { db } = await createTestDeps();
    const metrics = createHubMetrics({ db, connectedAgents: () => 0, instanceId: 'hub-a' });
    const body = await metrics.scrape();
    expect(body).toContain('\nvigie_agents_connected{instance="hub-a"} 0\n');
    const samples = body.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(samples.filter((line) => !line.includes('instance="hub-a"'))).toEqual([]);
  });

  it('samples the event-loop lag at most 10 times a second: an idle hub is not woken 100 times', async () => {
    const { db } = await createTestDeps();
    const monitor = vi.spyOn(perfHooks, 'monitorEventLoopDelay');
    try {
      createHubMetrics({ db, connectedAgents: () => 0 });
      expect(monitor).toHaveBeenCalledWith({ resolution: EVENT_LOOP_SAMPLE_MS });
      expect(EVENT_LOOP_SAMPLE_MS).toBeGreaterThanOrEqual(100);
    } finally {
      monitor.mockRestore();
      await db.destroy();
    }
  });
});
