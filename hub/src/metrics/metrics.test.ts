import type { CheckStateMessage } from '@vigie/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningHub } from '../server.js';
import { metrics, sample } from '../test-support/metrics-messages.js';
import { enrolTestAgent, helloFor, startTestHub, userToken } from '../test-support/test-hub.js';
import { connectPeer, type Peer } from '../test-support/ws-peer.js';

let hub: RunningHub;
let peer: Peer | undefined;

afterEach(async () => {
  peer?.close();
  await hub.close();
});

const BOOT = 'boot_test_0001';

const checkState = (seq: number): CheckStateMessage => ({
  type: 'checkState',
  bootId: BOOT,
  seq,
  at: Date.now(),
  check: 'fs.usage',
  resource: '/var',
  state: 'critical',
  previous: 'ok',
  value: 97,
  threshold: 95,
});

/**
 * The value of one series in a text exposition, e.g. `vigie_incidents_open{priority="5",level="N3"}`;
 * the `instance` label a hub on PostgreSQL adds to every series is left out of the match.
 */
function seriesValue(body: string, series: string): number | undefined {
  for (const raw of body.split('\n')) {
    const line = raw
      .replace(/,?instance="[^"]*"/, '')
      .replace('{,', '{')
      .replace('{}', '');
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

describe('GET /metrics', () => {
  it('counts a committed report, the incident it opened and the connected agent, from loopback', async () => {
    hub = await startTestHub();
    const credential = await enrolTestAgent(hub.deps);
    await hub.deps.db
      .updateTable('hosts')
      .set({ role: 'server', tags: JSON.stringify(['production']) })
      .execute();
    peer = await connectPeer(hub.url);
    peer.send(helloFor(credential));
    expect((await peer.next()).type).toBe('welcome');
    peer.send(metrics(1, [sample(Date.now() - 1000, 12), sample(Date.now(), 14)], BOOT));
    expect(await peer.next()).toMatchObject({ type: 'ack', seq: 1 });
    peer.send(checkState(2));
    expect(await peer.next()).toMatchObject({ type: 'ack', seq: 2 });

    const res = await fetch(`${hub.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    expect(seriesValue(body, 'vigie_agents_connected')).toBe(1);
    expect(seriesValue(body, 'vigie_ingest_reports_total{type="metrics"}')).toBe(1);
    expect(seriesValue(body, 'vigie_ingest_reports_total{type="checkState"}')).toBe(1);
    expect(seriesValue(body, 'vigie_ingest_commit_seconds_count{type="metrics"}')).toBe(1);
    expect(seriesValue(body, 'vigie_ingest_commit_batch_samples_sum')).toBe(2);
    expect(seriesValue(body, 'vigie_incidents_open{priority="5",level="N3"}')).toBe(1);
    expect(seriesValue(body, 'vigie_outbox_backlog')).toBe(0);
    expect(seriesValue(body, 'vigie_outbox_dead_letters')).toBe(0);
    expect(seriesValue(body, 'vigie_db_connections{state="idle"}')).toBeGreaterThanOrEqual(0);
    for (const name of [
      'vigie_notification_latency_seconds_count',
      'vigie_hub_nodejs_eventloop_lag_seconds',
      'vigie_hub_process_resident_memory_bytes',
    ])
      expect(body).toContain(`\n${name}`);
  });

  describe('outside --metrics-allow', () => {
    it('refuses a scrape without a token, and one with a non-admin token', async () => {
      hub = await startTestHub({ metricsAllow: '10.0.0.0/8' });
      const anonymous = await fetch(`${hub.url}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.text()).not.toContain('vigie_');
      const reader = await userToken(hub.deps, 'lecteur', 'readonly');
      const read = await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${reader}` } });
      expect(read.status).toBe(403);
    });

    it('serves an admin API token', async () => {
      hub = await startTestHub({ metricsAllow: '' });
      const admin = await userToken(hub.deps, 'admin', 'admin');
      const res = await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${admin}` } });
      expect(res.status).toBe(200);
      expect(seriesValue(await res.text(), 'vigie_agents_connected')).toBe(0);
    });
  });
});
