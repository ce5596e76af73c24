import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measure, setHost, startAgent, startHub } from '../support/hub-fixture.js';
import { AGENT_BIN, holdsFor, pollUntil, startProcess, stopAll } from '../support/processes.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const HEARTBEAT_SEC = 1;
const GRACE_SEC = 3;
const SWEEP_SEC = 0.5;
const NOTIFY_SEC = 0.5;
/** The N3 policy pages again every STEP_SEC while nobody acknowledges. */
const STEP_SEC = 2;

let dir: string;
let receiver: WebhookReceiver | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-recovery-'));
});

afterEach(async () => {
  await stopAll();
  await receiver?.close();
  receiver = undefined;
  rmSync(dir, { recursive: true, force: true });
});

interface Notice {
  kind: string;
  incidentId: string;
  state: string;
  recoveredAt?: number;
}

describe('a production server that comes back', () => {
  it('is announced recovered within an interval and a few seconds, and N3 is paged no more', async () => {
    receiver = await startWebhookReceiver();
    const hub = await startHub(dir, {
      args: [
        '--heartbeat-interval',
        String(HEARTBEAT_SEC),
        '--host-silent-grace',
        String(GRACE_SEC),
        '--incident-sweep-interval',
        String(SWEEP_SEC),
      ],
      env: { VIGIE_NOTIFY_ALLOW: '127.0.0.1', VIGIE_NOTIFY_INTERVAL: String(NOTIFY_SEC) },
    });
    const channel = await hub.api('/api/v1/notification-channels', {
      method: 'POST',
      body: JSON.stringify({
        name: 'N3 on-call',
        kind: 'webhook',
        config: { url: `${receiver.url}/tickets` },
        levels: ['N3'],
      }),
    });
    expect(channel.status, JSON.stringify(channel.body)).toBe(201);
    const policy = await hub.api('/api/v1/escalation-policies', {
      method: 'POST',
      body: JSON.stringify({
        name: 'N3 short steps',
        level: 'N3',
        steps: [
          { waitSec: 0, notify: ['N3'] },
          ...Array.from({ length: 9 }, () => ({ waitSec: STEP_SEC, notify: ['N3'] })),
        ],
      }),
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);

    const stateDir = join(dir, 'agent');
    const agent = await startAgent(hub, stateDir, ['--heartbeat-interval', String(HEARTBEAT_SEC)]);
    await setHost(hub, agent.hostId, { role: 'server', tags: ['production'] });
    process.kill(agent.process.child.pid!, 'SIGKILL');
    expect(await agent.process.exited()).toBe('SIGKILL');

    const incident = await pollUntil(
      async () => (await hub.incidents(agent.hostId, 'host.silent'))[0],
      GRACE_SEC * 1000 + 15_000,
      'a host.silent incident',
    );
    expect(incident).toMatchObject({ level: 'N3', priority: 5 });
    const notices = () =>
      receiver!.received
        .map((r) => ({
          at: r.at,
          key: String(r.headers['idempotency-key']),
          notice: (r.body as { notice: Notice }).notice,
        }))
        .filter((r) => r.notice.incidentId === incident.id);
    // Paged, then paged again by the policy: the fault is real and nobody acknowledged.
    await pollUntil(
      async () => notices().find((n) => n.key === `${incident.id}/N3/step-2`),
      STEP_SEC * 1000 + 10_000,
      'the second N3 page',
    );

    const backAt = Date.now();
    startProcess(AGENT_BIN, [
      'run',
      '--state-dir',
      stateDir,
      '--metrics-interval',
      '1',
      '--heartbeat-interval',
      String(HEARTBEAT_SEC),
    ]);
    const recovered = await pollUntil(
      async () => notices().find((n) => n.notice.kind === 'recovered'),
      HEARTBEAT_SEC * 1000 + 15_000,
      'the recovery notice',
    );
    expect(recovered.key).toBe(`${incident.id}/recovered/0`);
    expect(recovered.notice).toMatchObject({ kind: 'recovered', state: 'new' });
    expect(recovered.notice.recoveredAt).toBeGreaterThanOrEqual(backAt);
    measure('agent restarted → recovery notice received', recovered.at - backAt);
    measure(
      'host heard again → recovery notice received',
      recovered.at - (recovered.notice.recoveredAt ?? 0),
    );

    const [shown] = await hub.incidents(agent.hostId, 'host.silent');
    expect(shown).toMatchObject({ id: incident.id, state: 'new', recoveredAt: recovered.notice.recoveredAt });

    // Several policy steps' worth of time: the host is back, so N3 hears nothing more.
    const pagesBefore = notices().filter((n) => n.notice.kind === 'escalated').length;
    await holdsFor(
      async () => {
        expect(notices().filter((n) => n.notice.kind === 'escalated')).toHaveLength(pagesBefore);
        expect(notices().filter((n) => n.notice.kind === 'recovered')).toHaveLength(1);
      },
      3 * STEP_SEC * 1000 + 2 * NOTIFY_SEC * 1000,
      'no page after the recovery',
    );
  }, 150_000);
});
