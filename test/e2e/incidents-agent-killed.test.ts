import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measure, setHost, startAgent, startHub } from '../support/hub-fixture.js';
import { holdsFor, pollUntil, stopAll } from '../support/processes.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const GRACE_SEC = 3;
const SWEEP_SEC = 0.5;
const NOTIFY_SEC = 0.5;

let dir: string;
let receiver: WebhookReceiver | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-kill-'));
});

afterEach(async () => {
  await stopAll();
  await receiver?.close();
  receiver = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('an agent killed on a host tagged production server', () => {
  it('opens one P5 host.silent incident in N3 after the grace and fires the N3 webhook once', async () => {
    receiver = await startWebhookReceiver();
    const hub = await startHub(dir, {
      args: [
        '--heartbeat-interval',
        '1',
        '--host-silent-grace',
        String(GRACE_SEC),
        '--incident-sweep-interval',
        String(SWEEP_SEC),
      ],
      // The receiver is on loopback, which webhooks refuse unless allowed.
      env: { VIGIE_NOTIFY_ALLOW: '127.0.0.1', VIGIE_NOTIFY_INTERVAL: String(NOTIFY_SEC) },
    });
    const channel = await hub.api<{ id: string }>('/api/v1/notification-channels', {
      method: 'POST',
      body: JSON.stringify({
        name: 'N3 on-call',
        kind: 'webhook',
        config: { url: `${receiver.url}/tickets` },
        levels: ['N3'],
      }),
    });
    expect(channel.status, JSON.stringify(channel.body)).toBe(201);

    const agent = await startAgent(hub, join(dir, 'agent'), ['--heartbeat-interval', '1']);
    await setHost(hub, agent.hostId, { role: 'server', tags: ['production'] });

    const killedAt = Date.now();
    process.kill(agent.process.child.pid!, 'SIGKILL');
    expect(await agent.process.exited()).toBe('SIGKILL');

    const incident = await pollUntil(
      async () => (await hub.incidents(agent.hostId, 'host.silent'))[0],
      GRACE_SEC * 1000 + 15_000,
      'a host.silent incident',
    );
    expect(incident).toMatchObject({ state: 'new', severity: 'critical', priority: 5, level: 'N3' });
    const toTicket = incident.opened_at - killedAt;
    measure(`b. agent SIGKILLed → host.silent P5/N3 ticket (grace ${GRACE_SEC} s)`, toTicket);
    // Silence counts from the last frame heard (0023): never sooner than the grace after it (a
    // quick reconnect within it is not an outage), then the next sweep.
    const { body } = await hub.api<{ hosts: { id: string; lastSeenAt: number }[] }>('/api/v1/hosts');
    const lastHeard = Number(body.hosts.find((h) => h.id === agent.hostId)?.lastSeenAt);
    expect(lastHeard).toBeLessThanOrEqual(killedAt);
    expect(incident.opened_at - lastHeard).toBeGreaterThanOrEqual(GRACE_SEC * 1000);
    expect(toTicket).toBeLessThan(GRACE_SEC * 1000 + 5000);

    const key = `${incident.id}/N3`;
    const forKey = () => receiver!.received.filter((r) => r.headers['idempotency-key'] === key);
    const delivery = await pollUntil(
      async () => forKey()[0],
      15_000,
      `a webhook with Idempotency-Key ${key}`,
    );
    expect(delivery.path).toBe('/tickets');
    expect(delivery.body).toMatchObject({
      type: 'vigie.incident.notice',
      deliveryKey: key,
      notice: {
        kind: 'opened',
        incidentId: incident.id,
        level: 'N3',
        priority: 5,
        check: 'host.silent',
        hostId: agent.hostId,
      },
    });
    measure('b. agent SIGKILLed → N3 webhook received', delivery.at - killedAt);

    // At-least-once must not mean twice here: the sweeps and the delivery worker keep running,
    // and neither a second ticket nor a second delivery of the key may appear.
    await holdsFor(
      async () => {
        expect(forKey()).toHaveLength(1);
        expect(await hub.incidents(agent.hostId, 'host.silent')).toHaveLength(1);
      },
      4 * SWEEP_SEC * 1000 + 2 * NOTIFY_SEC * 1000,
      'one delivery and one ticket',
    );
  });
});
