import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measure, setHost, startAgent, startHub, type TestHub } from '../support/hub-fixture.js';
import {
  HUB_BIN,
  holdsFor,
  pollUntil,
  type RunningProcess,
  startProcess,
  stopAll,
} from '../support/processes.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

// Real hub and agent processes (docs/decisions/0023). Stock timings scaled down by config: the
// hub pings every 1 s (stock 10 s) and judges silence 3 s after the last frame (stock 30 s) on a
// 0.5 s sweep (stock 5 s); the agent retries at least every 1 s after losing a hub it was
// welcomed by (stock 20 s), so it is back well within the grace of the hub listening again.

const GRACE_SEC = 3;
const SWEEP_SEC = 0.5;
/** How late the hub may read a frame the agent wrote before it was stopped. */
const IN_FLIGHT_READ_MS = 250;
const RECONNECT_MAX_SEC = 1;
/** Longer than the grace: before 0023 every host of the hub was paged at its first sweep. */
const HUB_DOWN_MS = 5_000;
const HUB_ARGS = [
  '--heartbeat-interval',
  '1',
  '--host-silent-grace',
  String(GRACE_SEC),
  '--incident-sweep-interval',
  String(SWEEP_SEC),
];
// The receiver is on loopback, which webhooks refuse unless allowed.
const HUB_ENV = { VIGIE_NOTIFY_ALLOW: '127.0.0.1', VIGIE_NOTIFY_INTERVAL: '0.5' };

let dir: string;
let receiver: WebhookReceiver | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-silence-'));
});

afterEach(async () => {
  await stopAll();
  await receiver?.close();
  receiver = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** A hub paging N3 through a real local webhook, and a real agent on a production server. */
async function pagedProductionServer(): Promise<{
  hub: TestHub;
  agent: Awaited<ReturnType<typeof startAgent>>;
}> {
  receiver = await startWebhookReceiver();
  const hub = await startHub(dir, { args: HUB_ARGS, env: HUB_ENV });
  const channel = await hub.api<{ id: string }>('/api/v1/notification-channels', {
    method: 'POST',
    body: JSON.stringify({
      name: 'N3 on-call',
      kind: 'webhook',
      config: { url: `${receiver.url}/pages` },
      levels: ['N3'],
    }),
  });
  expect(channel.status, JSON.stringify(channel.body)).toBe(201);
  const agent = await startAgent(hub, join(dir, 'agent'), [
    '--heartbeat-interval',
    '1',
    '--reconnect-max-delay',
    String(RECONNECT_MAX_SEC),
  ]);
  await setHost(hub, agent.hostId, { role: 'server', tags: ['production'] });
  return { hub, agent };
}

/** Start the hub again on its database and port; resolves when it listens. */
async function restartHub(hub: TestHub): Promise<{ process: RunningProcess; listeningAt: number }> {
  const port = new URL(hub.url).port;
  const args = ['start', '--host', '127.0.0.1', '--port', port, '--db', join(dir, 'hub.db'), ...HUB_ARGS];
  const restarted = startProcess(HUB_BIN, args, HUB_ENV);
  await restarted.waitFor(/listening/);
  return { process: restarted, listeningAt: Date.now() };
}

interface HostView {
  id: string;
  online: boolean;
  lastSeenAt: number | null;
}
const hostOf = async (hub: TestHub, hostId: string) => {
  const { body } = await hub.api<{ hosts: HostView[] }>('/api/v1/hosts');
  return body.hosts.find((h) => h.id === hostId);
};

async function expectNoPageAcrossRestart(stopHub: (process: RunningProcess) => Promise<void>, how: string) {
  const { hub, agent } = await pagedProductionServer();
  await stopHub(hub.process);
  await new Promise((resolve) => setTimeout(resolve, HUB_DOWN_MS));
  const { listeningAt } = await restartHub(hub);
  await pollUntil(
    async () => ((await hostOf(hub, agent.hostId))?.online ? true : undefined),
    10_000,
    'the agent back',
  );
  const back = Date.now() - listeningAt;
  measure(`hub ${how}, down ${HUB_DOWN_MS} ms: agent back after the hub listened again`, back);
  // Scaled from "within 30 s" by the reconnect cap (1 s here, 20 s stock): within the grace.
  expect(back).toBeLessThan(GRACE_SEC * 1000);
  // Sweeps and the delivery worker keep running: nothing may open, nothing may page.
  await holdsFor(
    async () => {
      expect(await hub.incidents(agent.hostId, 'host.silent')).toEqual([]);
      expect(receiver?.received).toEqual([]);
    },
    (GRACE_SEC + 4 * SWEEP_SEC + 1) * 1000,
    'no host.silent and no page',
  );
}

describe('a hub restart is not an outage', () => {
  it('(a) hub killed with kill -9 and back after longer than the grace: no host.silent, no page', async () => {
    await expectNoPageAcrossRestart(async (process) => {
      globalThis.process.kill(process.child.pid!, 'SIGKILL');
      expect(await process.exited(10_000)).toBe('SIGKILL');
    }, 'kill -9');
  });

  it('(b) hub stopped with SIGTERM and back after longer than the grace: no host.silent, no page', async () => {
    await expectNoPageAcrossRestart(async (process) => {
      globalThis.process.kill(process.child.pid!, 'SIGTERM');
      expect(await process.exited(10_000)).toBe(0);
    }, 'SIGTERM');
  });
});

describe('silence is timed from the last message', () => {
  /** Stop the agent with `signal`; the incident must open within grace + sweep of its last frame. */
  async function expectTicketAfterLastMessage(signal: 'SIGSTOP' | 'SIGKILL') {
    const { hub, agent } = await pagedProductionServer();
    const pid = agent.process.child.pid!;
    const stoppedAt = Date.now();
    process.kill(pid, signal);
    try {
      const incident = await pollUntil(
        async () => (await hub.incidents(agent.hostId, 'host.silent'))[0],
        GRACE_SEC * 1000 + 15_000,
        'a host.silent incident',
      );
      const host = await hostOf(hub, agent.hostId);
      const lastHeard = Number(host?.lastSeenAt);
      const afterLast = incident.opened_at - lastHeard;
      measure(
        `agent ${signal}: last frame → host.silent (grace ${GRACE_SEC} s, sweep ${SWEEP_SEC} s)`,
        afterLast,
      );
      measure(`agent ${signal}: last frame before the signal by`, stoppedAt - lastHeard);
      // What the hub last heard came before the signal (not the moment it closed the socket, a
      // grace later)... The hub stamps a frame when it reads it: one the agent wrote just before
      // the signal can be read a few ms after it (seen: +1 and +24 ms while the hub's loop was in
      // a group commit), so the bound allows a read delay far below the grace.
      expect(lastHeard).toBeLessThanOrEqual(stoppedAt + IN_FLIGHT_READ_MS);
      // ...and the ticket follows it by the grace, plus at most one sweep (and the pass itself).
      expect(afterLast).toBeGreaterThanOrEqual(GRACE_SEC * 1000);
      expect(afterLast).toBeLessThanOrEqual((GRACE_SEC + SWEEP_SEC) * 1000 + 300);
    } finally {
      if (signal === 'SIGSTOP') process.kill(pid, 'SIGKILL');
    }
  }

  it('(c) a frozen agent (SIGSTOP: socket open, no pongs) is ticketed within grace + sweep of its last frame', async () => {
    await expectTicketAfterLastMessage('SIGSTOP');
  });

  it('(d) a killed agent (SIGKILL) is ticketed within grace + sweep of its last frame', async () => {
    await expectTicketAfterLastMessage('SIGKILL');
  });
});
