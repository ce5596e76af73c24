import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrolWithCli } from '../support/agent-process.js';
import { startHub, type TestHub } from '../support/hub-fixture.js';
import { AGENT_BIN, holdsFor, pollUntil, startProcess, stopAll } from '../support/processes.js';
import {
  createServiceManagerStandIn,
  type ServiceManagerStandIn,
} from '../support/service-manager-stand-in.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

// N0 on a real hub and a real agent (decision 0029). This machine has no systemd as PID 1, so the
// agent's `systemctl` is a stand-in first on its PATH that really starts and stops processes:
// `web` stays up once restarted, `crashy` dies again at once after every restart.

const VERIFY_SEC = 8;
let dir: string;
let receiver: WebhookReceiver | undefined;
let services: ServiceManagerStandIn | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-n0-'));
});

afterEach(async () => {
  await stopAll();
  await receiver?.close();
  receiver = undefined;
  services?.cleanup();
  services = undefined;
  rmSync(dir, { recursive: true, force: true });
});

interface Notice {
  kind: string;
  incidentId: string;
}

async function hubWithN0(): Promise<TestHub> {
  receiver = await startWebhookReceiver();
  const hub = await startHub(dir, {
    args: ['--incident-sweep-interval', '0.5'],
    env: { VIGIE_NOTIFY_ALLOW: '127.0.0.1', VIGIE_NOTIFY_INTERVAL: '0.5' },
  });
  const channel = await hub.api('/api/v1/notification-channels', {
    method: 'POST',
    body: JSON.stringify({
      name: 'every level',
      kind: 'webhook',
      config: { url: `${receiver.url}/tickets` },
      levels: ['N1', 'N2', 'N3'],
    }),
  });
  expect(channel.status, JSON.stringify(channel.body)).toBe(201);
  const layer = await hub.api('/api/v1/policies/global', {
    method: 'PUT',
    body: JSON.stringify({
      services: ['web', 'crashy'],
      processesIntervalSec: 5,
      checks: { 'service.down': { forSec: 0, clearForSec: 0 } },
      remediation: { 'service.down': { action: 'restart-service', attempts: 2, verifySec: VERIFY_SEC } },
    }),
  });
  expect(layer.status, JSON.stringify(layer.body)).toBe(200);
  return hub;
}

async function runAgent(hub: TestHub, allow: string[]): Promise<string> {
  services = createServiceManagerStandIn({
    'web.service': ['sleep', '600'],
    'crashy.service': ['sh', '-c', 'exit 1'],
  });
  const stateDir = join(dir, 'agent');
  await enrolWithCli(hub, stateDir, { client: 'e2e', role: 'server' });
  startProcess(
    AGENT_BIN,
    ['run', '--state-dir', stateDir, '--metrics-interval', '1', ...allow],
    services.env,
  );
  const host = await pollUntil(
    async () => {
      const { body } = await hub.api<{ hosts: { id: string; online: boolean }[] }>('/api/v1/hosts');
      return body.hosts.find((h) => h.online);
    },
    30_000,
    'the agent connected',
  );
  return host.id;
}

const noticesFor = (incidentId: string) =>
  (receiver?.received ?? [])
    .map((r) => (r.body as { notice: Notice }).notice)
    .filter((notice) => notice.incidentId === incidentId);

describe('N0 remediation end to end', { timeout: 240_000 }, () => {
  it('restarts a stopped service, resolves the ticket by N0 without a page, and pages one that keeps dying after K attempts', async () => {
    const hub = await hubWithN0();
    const hostId = await runAgent(hub, ['--allow-remediation', 'restart-service']);

    const web = await pollUntil(
      async () =>
        (await hub.incidents(hostId, 'service.down')).find(
          (i) => i.resource === 'web' && i.state === 'resolved',
        ),
      120_000,
      'the web ticket resolved',
    );
    expect(web.resolution).toBe('n0');
    const webKinds = (await hub.timeline(web.id)).map((e) => e.kind);
    expect(webKinds).toEqual(
      expect.arrayContaining(['remediation_started', 'remediation_attempt', 'remediation_succeeded']),
    );
    expect(services?.restarts()).toContain('restart web.service');

    const crashy = await pollUntil(
      async () => {
        const [incident] = (await hub.incidents(hostId, 'service.down')).filter(
          (i) => i.resource === 'crashy',
        );
        if (!incident) return undefined;
        const kinds = (await hub.timeline(incident.id)).map((e) => e.kind);
        return kinds.includes('remediation_exhausted') ? { incident, kinds } : undefined;
      },
      150_000,
      'the crashy ticket handed on after its attempts',
    );
    expect(crashy.kinds.filter((k) => k === 'remediation_attempt')).toHaveLength(2);
    expect(services?.restarts().filter((line) => line === 'restart crashy.service')).toHaveLength(2);
    await pollUntil(
      async () => noticesFor(crashy.incident.id).find((n) => n.kind === 'opened'),
      10_000,
      'the crashy ticket paged',
    );
    // The web ticket never reached a channel: N0 fixed it before anyone was paged.
    await holdsFor(
      async () => {
        expect(noticesFor(web.id)).toEqual([]);
      },
      2000,
      'no notice for the ticket N0 resolved',
    );
  });

  it('refuses what the machine did not allow: audited, and the ticket paged at once', async () => {
    const hub = await hubWithN0();
    const hostId = await runAgent(hub, []);
    const refused = await pollUntil(
      async () => {
        const { body } = await hub.api<{ events: { kind: string; reason: string; subject: string }[] }>(
          '/api/v1/audit?kind=remediation.refused',
        );
        return body.events.find((e) => e.subject === hostId);
      },
      60_000,
      'the refusal in the security audit',
    );
    expect(refused.reason).toBe('ACTION_NOT_ALLOWED');
    const [web] = (await hub.incidents(hostId, 'service.down')).filter((i) => i.resource === 'web');
    expect(web).toBeDefined();
    await pollUntil(
      async () => noticesFor(web?.id ?? '').find((n) => n.kind === 'opened'),
      10_000,
      'the web ticket paged',
    );
    expect(services?.restarts()).toEqual([]);
  });
});
