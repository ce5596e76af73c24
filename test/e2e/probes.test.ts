import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measure, startAgent, startHub, type TestAgent, type TestHub } from '../support/hub-fixture.js';
import { holdsFor, pollUntil, stopAll } from '../support/processes.js';

// Devices probed by a real agent process against targets this test starts on loopback.
const SWEEP_SEC = 0.5;
const GRACE_SEC = 3;

let dir: string;
let servers: Array<Server | HttpsServer> = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-probes-'));
});

afterEach(async () => {
  await stopAll();
  await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
  servers = [];
  rmSync(dir, { recursive: true, force: true });
});

function listen<T extends Server | HttpsServer>(server: T, port = 0): Promise<number> {
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

function close(server: Server | HttpsServer): Promise<void> {
  servers = servers.filter((s) => s !== server);
  return new Promise((done) => server.close(() => done()));
}

/** A hub with short intervals, a real agent on site e2e/lab, the loopback allowed, and one device. */
async function siteWithDevice(): Promise<{ hub: TestHub; agent: TestAgent; device: string }> {
  const hub = await startHub(dir, {
    args: [
      '--heartbeat-interval',
      '1',
      '--host-silent-grace',
      String(GRACE_SEC),
      '--incident-sweep-interval',
      String(SWEEP_SEC),
    ],
    // A recovery resolves at once, so the test sees it without waiting the stock 5 minutes.
    env: { VIGIE_INCIDENT_RULES: JSON.stringify({ quietPeriodMs: 0 }) },
  });
  const agent = await startAgent(hub, join(dir, 'agent'), ['--heartbeat-interval', '1']);
  const allow = await hub.api('/api/v1/probes/allowlist', {
    method: 'PUT',
    body: JSON.stringify({ client: 'e2e', site: 'lab', allow: ['127.0.0.1/32'] }),
  });
  expect(allow.status, JSON.stringify(allow.body)).toBe(200);
  const device = await hub.api<{ id: string; kind: string }>('/api/v1/devices', {
    method: 'POST',
    body: JSON.stringify({
      hostname: 'fw-lab',
      client: 'e2e',
      site: 'lab',
      role: 'server',
      tags: ['production'],
    }),
  });
  expect(device.status, JSON.stringify(device.body)).toBe(201);
  expect(device.body.kind).toBe('device');
  return { hub, agent, device: device.body.id };
}

async function addProbe(hub: TestHub, body: Record<string, unknown>): Promise<string> {
  const created = await hub.api<{ id: string }>('/api/v1/probes', {
    method: 'POST',
    body: JSON.stringify({ intervalSec: 1, timeoutMs: 1000, ...body }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id;
}

interface VoterView {
  host: string;
  counts: boolean;
  last: { outcome: string | null; at: number | null };
}

async function voters(hub: TestHub, probe: string): Promise<VoterView[]> {
  return (await hub.api<{ voters: VoterView[] }>(`/api/v1/probes/${probe}`)).body.voters;
}

describe('network probes run by a site agent against a device', () => {
  it('opens one N3 incident on a production device when its port closes, resolved when it opens again', async () => {
    const { hub, agent, device } = await siteWithDevice();
    const listener = createServer((socket) => socket.destroy());
    const port = await listen(listener);
    await close(listener);

    const createdAt = Date.now();
    const probe = await addProbe(hub, {
      device,
      name: 'firewall admin port',
      agents: [agent.hostId],
      kind: 'tcp',
      host: '127.0.0.1',
      port,
      rules: { down: { critical: { trigger: 50, clear: 0 }, forSec: 2, clearForSec: 1 } },
    });

    const incident = await pollUntil(
      async () => (await hub.incidents(device, 'probe.down'))[0],
      30_000,
      'a probe.down incident on the device',
    );
    // Attributed to the device, graded by its role and tags: production server → P5, N3.
    expect(incident).toMatchObject({
      host_id: device,
      resource: probe,
      state: 'new',
      severity: 'critical',
      priority: 5,
      level: 'N3',
    });
    expect(await hub.incidents(agent.hostId, 'probe.down')).toHaveLength(0);
    measure(
      'probe added on a closed port → device incident (every 1 s, for 2 s)',
      incident.opened_at - createdAt,
    );
    // The agent keeps reporting the closed port every second: occurrences, never a second ticket.
    await holdsFor(
      async () => expect(await hub.incidents(device, 'probe.down')).toHaveLength(1),
      3000,
      'one incident while the port stays closed',
    );

    const reopenedAt = Date.now();
    await listen(
      createServer((socket) => socket.destroy()),
      port,
    );
    const resolved = await pollUntil(
      async () => {
        const [row] = await hub.incidents(device, 'probe.down');
        return row?.state === 'resolved' ? row : undefined;
      },
      30_000,
      'the probe.down incident resolved',
    );
    expect(resolved).toMatchObject({ id: incident.id, resolution: 'auto' });
    measure(
      'port open again → device incident resolved (clear for 1 s, no quiet period)',
      (resolved.resolved_at ?? 0) - reopenedAt,
    );
    expect(await hub.incidents(device, 'probe.down')).toHaveLength(1);
  });

  it('opens a low-priority ticket at the 7-day stage for a certificate expiring in 5 days', async () => {
    const { hub, agent, device } = await siteWithDevice();
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '5',
        '-subj',
        '/CN=intranet.lab',
      ],
      { stdio: 'pipe' },
    );
    const https = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => {
      res.end('<html>intranet ok</html>');
    });
    const port = await listen(https);

    const probe = await addProbe(hub, {
      device,
      name: 'intranet',
      agents: [agent.hostId],
      kind: 'http',
      url: `https://127.0.0.1:${port}/`,
      bodyMatch: 'intranet ok',
      // Self-signed: the chain is not what this probe is about; its expiry is.
      tlsVerify: false,
      rules: { tlsWarnDays: 30 },
    });

    const ticket = await pollUntil(
      async () => (await hub.incidents(device, 'tls.expiry'))[0],
      30_000,
      'a tls.expiry incident',
    );
    expect(ticket).toMatchObject({ resource: probe, severity: 'warning', priority: 2, state: 'new' });
    const timeline = await hub.timeline(ticket.id);
    expect(JSON.stringify(timeline)).toMatch(/expires in [45] day\(s\) \(7-day stage\)/);
    // The service itself answers: no outage ticket, and one expiry ticket however many results.
    await holdsFor(
      async () => {
        expect(await hub.incidents(device, 'probe.down')).toHaveLength(0);
        expect(await hub.incidents(device, 'tls.expiry')).toHaveLength(1);
      },
      3000,
      'one expiry ticket and no outage',
    );
  });

  it('opens no device incident when the probing agent goes silent', async () => {
    const { hub, agent, device } = await siteWithDevice();
    const listener = createServer((socket) => socket.destroy());
    const port = await listen(listener);
    await close(listener);

    // The port is closed, but a fault must hold 6 s before it counts: the agent dies before that.
    const probe = await addProbe(hub, {
      device,
      name: 'nas share',
      agents: [agent.hostId],
      kind: 'tcp',
      host: '127.0.0.1',
      port,
      rules: { down: { critical: { trigger: 50, clear: 0 }, forSec: 6, clearForSec: 1 } },
    });
    await pollUntil(
      async () => ((await voters(hub, probe))[0]?.last.outcome === 'fail' ? true : undefined),
      30_000,
      'a first failing result',
    );
    process.kill(agent.process.child.pid!, 'SIGKILL');
    expect(await agent.process.exited()).toBe('SIGKILL');

    // The agent's silence is its own incident; its last word about the device goes stale.
    await pollUntil(
      async () => (await hub.incidents(agent.hostId, 'host.silent'))[0],
      GRACE_SEC * 1000 + 15_000,
      'host.silent for the probing agent',
    );
    await pollUntil(
      async () => ((await voters(hub, probe))[0]?.counts === false ? true : undefined),
      15_000,
      'the silent agent no longer counted',
    );
    await holdsFor(
      async () => expect(await hub.incidents(device, 'probe.down')).toHaveLength(0),
      8000,
      'no device incident',
    );
  });
});
